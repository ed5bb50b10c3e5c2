/**
 * What the admin API shows in place of configured values that may be credentials. Header
 * values and query values are masked whatever their names: a receiver's token hides as well
 * in `X-Api` or `?sig=` as in `Authorization`.
 */
export const MASK = "********";

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
}

/**
 * The URL with every query value (and any fragment) masked, names kept. Works on the stored
 * text, not a re-serialized URL, so everything else reads exactly as the operator wrote it.
 */
export function maskUrl(url: string): string {
  const hash = url.indexOf("#");
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? "" : hash === url.length - 1 ? "#" : `#${MASK}`;
  const query = beforeHash.indexOf("?");
  if (query === -1) return beforeHash + fragment;
  const params = beforeHash
    .slice(query + 1)
    .split("&")
    .map((param) => {
      if (param === "") return param;
      const eq = param.indexOf("=");
      // A bare `?abc123` may be the credential itself, so it is masked whole.
      return eq === -1 ? MASK : `${param.slice(0, eq)}=${MASK}`;
    });
  return `${beforeHash.slice(0, query + 1)}${params.join("&")}${fragment}`;
}
