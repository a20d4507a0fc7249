/**
 * The chat webview's HTML: the strict CSP of chatCsp.ts with a per-load nonce; scripts, styles
 * and fonts only from dist/webview through asWebviewUri.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { chatCsp } from './chatCsp';

/** Folders a chat webview may load from. */
export function chatResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: chatResourceRoots(extensionUri) };
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, sessionId: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name)).toString();
  const csp = chatCsp(webview.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('chat.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body data-session-id="${escapeHtml(sessionId)}">
<script nonce="${nonce}" src="${asset('chat.js')}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
