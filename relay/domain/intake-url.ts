/**
 * Which webhook notifications reach which route. The project API shows a webhook URL redacted on
 * every read: scheme and host, then `****` and the URL's last 4 characters
 * (`https://relay.example.com/****ders`). So a route is recognised by the last 4 characters of its
 * intake URL `{publicUrl}/atlas/{routeId}` (and the host, when the relay knows its publicUrl), and
 * two routes whose intake URLs end alike could not be told apart: the config refuses them.
 */

/** The path of a route's intake: `/atlas/{routeId}`. */
export function intakePath(routeId: string): string {
  return `/atlas/${routeId}`;
}

/** What the project API keeps visible of a route's intake URL: its last 4 characters. */
export function intakeTail(routeId: string): string {
  return intakePath(routeId).slice(-4);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * True when `shown` (a webhook URL as the project API shows it, redacted or not) is the intake URL
 * of route `routeId`. `publicUrl`, when the relay knows it, must match the host too.
 */
export function webhookUrlIsRoute(shown: string, routeId: string, publicUrl?: string): boolean {
  if (publicUrl && originOf(shown) !== originOf(publicUrl)) return false;
  const redacted = /\/\*{4}(.{4})$/.exec(shown);
  if (redacted) return redacted[1] === intakeTail(routeId);
  let path: string;
  try {
    path = new URL(shown).pathname.replace(/\/+$/, "");
  } catch {
    return false;
  }
  return path.endsWith(intakePath(routeId));
}

/** Problems with route ids whose intake URLs the project API would show alike (config validation). */
export function indistinguishableRouteIds(ids: readonly string[]): string[] {
  const first = new Map<string, number>();
  const out: string[] = [];
  ids.forEach((id, i) => {
    const tail = intakeTail(id);
    const j = first.get(tail);
    if (j === undefined) first.set(tail, i);
    else
      out.push(
        `routes.${i}.id: its intake URL ends like routes.${j}'s ("${tail}"); the project API shows webhook URLs as host and last 4 characters, so the reconciler could not tell the two routes apart: rename one`,
      );
  });
  return out;
}
