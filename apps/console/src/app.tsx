/**
 * The shell: sign-in gate, navigation, theme switch, and the view for the current path.
 * Views are plain functions of the location; every piece of state worth sharing is in the URL.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { getToken, onUnauthorized, setToken } from "./api.ts";
import { navigate, onLinkClick, useLocation } from "./router.ts";
import { DeadLetters } from "./views/dead-letters.tsx";
import { EventDetailView } from "./views/event-detail.tsx";
import { EventsView } from "./views/events.tsx";
import { Overview } from "./views/overview.tsx";
import { SignIn } from "./views/sign-in.tsx";
import { TargetsView } from "./views/targets.tsx";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/events", label: "Events" },
  { href: "/targets", label: "Targets" },
  { href: "/dead-letters", label: "Dead letters" },
];

type Theme = "auto" | "light" | "dark";
const THEME_KEY = "bw-relay-console-theme";

function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem(THEME_KEY) as Theme | null) ?? "auto",
  );
  useEffect(() => {
    if (theme === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);
  const next = () => setTheme((t) => (t === "auto" ? "dark" : t === "dark" ? "light" : "auto"));
  return [theme, next];
}

/** The view for a path and the document title that names it. */
function route(path: string): { title: string; view: JSX.Element } {
  if (path === "/" || path === "/overview") return { title: "Overview", view: <Overview /> };
  if (path === "/events") return { title: "Events", view: <EventsView /> };
  const detail = /^\/events\/([^/]+)$/.exec(path);
  if (detail?.[1]) {
    const id = decodeURIComponent(detail[1]);
    return { title: `Event ${id}`, view: <EventDetailView id={id} /> };
  }
  if (path === "/targets") return { title: "Targets", view: <TargetsView /> };
  if (path === "/dead-letters") return { title: "Dead letters", view: <DeadLetters /> };
  return {
    title: "Not found",
    view: (
      <section>
        <h1>Not found</h1>
        <p>
          The console has no page at <code>{path}</code>. <a href="/">Back to the overview</a>.
        </p>
      </section>
    ),
  };
}

export function App() {
  const loc = useLocation();
  const [signedIn, setSignedIn] = useState(() => getToken() !== null);
  const [theme, nextTheme] = useTheme();
  const [expired, setExpired] = useState(false);
  const current = signedIn ? route(loc.path) : { title: "Sign in", view: null };
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef<string | null>(null);

  // Client-side navigation: the title names the view, and focus moves to the new content (as
  // a page load would reset it) so a screen reader starts there; not on the first render.
  useEffect(() => {
    document.title = `${current.title} · bw-relay console`;
    if (signedIn && shownPath.current !== null && shownPath.current !== loc.path) {
      main.current?.focus({ preventScroll: true });
    }
    shownPath.current = signedIn ? loc.path : null;
  }, [current.title, loc.path, signedIn]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setExpired(true);
        setSignedIn(false);
      }),
    [],
  );

  const signOut = () => {
    setToken(null);
    setSignedIn(false);
  };

  const themeButton = (
    <button type="button" class="secondary" onClick={nextTheme} aria-label={`Theme: ${theme}`}>
      Theme: {theme}
    </button>
  );

  if (!signedIn) {
    return (
      <div class="shell">
        <header class="top">
          <span class="brand">bw-relay console</span>
          {themeButton}
        </header>
        <main id="main">
          <SignIn
            expired={expired}
            onSignedIn={() => {
              setExpired(false);
              setSignedIn(true);
            }}
          />
        </main>
      </div>
    );
  }

  return (
    // The click handler only turns same-origin link clicks into history navigation.
    // biome-ignore lint/a11y/noStaticElementInteractions: delegated link handling, links stay links
    // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a link fires click, handled the same
    <div class="shell" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">bw-relay console</span>
        <nav aria-label="Main">
          {NAV.map((item) => {
            const active = item.href === "/" ? loc.path === "/" : loc.path.startsWith(item.href);
            return (
              <a key={item.href} href={item.href} aria-current={active ? "page" : undefined}>
                {item.label}
              </a>
            );
          })}
        </nav>
        <span class="spacer" />
        {themeButton}
        <button
          type="button"
          class="secondary"
          onClick={() => {
            signOut();
            navigate("/");
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {current.view}
      </main>
    </div>
  );
}
