/**
 * Sign-in: the admin token, checked against GET /api/stats before it is kept, so a wrong
 * token (401) and a relay without ADMIN_TOKEN (503 not_configured) each get their own message.
 */
import { useState } from "preact/hooks";
import { ApiError, api, describeFailure, setToken } from "../api.ts";
import { ErrorBox } from "../components.tsx";

export function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: () => void }) {
  const [token, setValue] = useState("");
  const [error, setError] = useState<string | null>(
    expired ? "The relay no longer accepts the token; sign in again." : null,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api("GET", "/api/stats", undefined, token.trim());
      setToken(token.trim());
      onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError("Wrong admin token: the relay refused it. Check ADMIN_TOKEN and try again.");
      } else if (err instanceof ApiError && err.code === "not_configured") {
        setError(
          "This relay is not configured: ADMIN_TOKEN is not set, so the admin API is off. " +
            "Set it with `wrangler secret put ADMIN_TOKEN` (locally: apps/relay/.dev.vars).",
        );
      } else setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in">
      <h1>Sign in</h1>
      <p>
        The console uses the relay's admin API with its admin token. The token is kept in this tab
        only (session storage) and sent as a bearer header.
      </p>
      <form onSubmit={submit}>
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          value={token}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || token.trim() === ""}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
