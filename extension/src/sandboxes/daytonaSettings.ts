/**
 * The `foundry.daytona.*` settings, checked before they reach `D/settings.json` (the sidecar reads
 * them there as `daytona`, and applies them again when the file changes): a value the sidecar's
 * schema would refuse is left out, so one bad setting never costs the others. The API key is not a
 * setting: it lives in SecretStorage (daytonaKey.ts). No `vscode` import.
 */
import { SidecarSettings } from '../../../shared/protocol';

export interface DaytonaConfig {
  /** Empty: Daytona's cloud API (or DAYTONA_API_URL in the sidecar's environment). */
  readonly apiUrl: string;
  /** Empty: the account's default region (or DAYTONA_TARGET). */
  readonly target: string;
  /** Daytona stops an idle sandbox after this many minutes (0 = never). */
  readonly autoStopMinutes: number;
}

export const DefaultAutoStopMinutes = 15;

/** What `vscode.WorkspaceConfiguration.get` is, for the section `foundry`. */
interface ConfigReader {
  get<T>(key: string, fallback: T): T;
}

export function readDaytonaConfig(c: ConfigReader): DaytonaConfig {
  const minutes = Number(c.get<number>('daytona.autoStopMinutes', DefaultAutoStopMinutes));
  return {
    apiUrl: String(c.get<string>('daytona.apiUrl', '') ?? '').trim(),
    target: String(c.get<string>('daytona.target', '') ?? '').trim(),
    autoStopMinutes: Number.isFinite(minutes) ? minutes : DefaultAutoStopMinutes,
  };
}

const Shape = SidecarSettings.shape.daytona.unwrap().shape;

/** The sidecar's `daytona` settings: each field only when set and valid. */
export function daytonaSidecarSettings(config: DaytonaConfig): Pick<SidecarSettings, 'daytona'> {
  const daytona: NonNullable<SidecarSettings['daytona']> = {};
  const url = config.apiUrl.replace(/\/+$/, '');
  if (url && /^https?:\/\//i.test(url) && Shape.apiUrl.safeParse(url).success) daytona.apiUrl = url;
  if (config.target && Shape.target.safeParse(config.target).success) daytona.target = config.target;
  const minutes = Math.round(config.autoStopMinutes);
  if (Shape.autoStopMinutes.safeParse(minutes).success) daytona.autoStopMinutes = minutes;
  return { daytona };
}
