import packageJson from "../package.json";

/** The relay's version, as sent in `user-agent: bw-relay/<version>`. */
export const VERSION: string = packageJson.version;
export const USER_AGENT = `bw-relay/${VERSION}`;
