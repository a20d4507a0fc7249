/** The part of @npmcli/arborist the installer uses (the package ships no types). */
declare module '@npmcli/arborist' {
  interface ArboristOptions {
    path: string;
    audit?: boolean;
    fund?: boolean;
    progress?: boolean;
  }
  export default class Arborist {
    constructor(options: ArboristOptions);
    reify(options: { add: string[]; save?: boolean }): Promise<unknown>;
  }
}
