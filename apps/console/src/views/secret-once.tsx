/** A signing secret, shown the one time the API returns it, with a copy button. */
import { CopyButton } from "../components.tsx";

export function SecretOnce({
  name,
  secret,
  onClose,
}: {
  name: string;
  secret: string;
  onClose: () => void;
}) {
  return (
    <section class="card secret" role="alert" aria-labelledby="secret-title">
      <h2 id="secret-title">New signing secret for {name}</h2>
      <p>
        Shown this once: the relay never returns it again. Give it to the receiver now (previous
        secrets keep signing for 24 h, so there is no gap).
      </p>
      <div class="title-row">
        <code class="mono secret-value" data-secret>
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
        <button type="button" class="secondary" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}
