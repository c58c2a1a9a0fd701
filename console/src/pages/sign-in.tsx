// Sign-in: an access key id and secret (from the `credentials` file in Gust's data directory, or
// one made with `gust keys create`), checked with one signed call before it is kept.
import { useState } from 'preact/hooks';
import { Client } from '../api/client';
import type { Credentials } from '../api/sigv4';

export function SignIn(props: { onSignedIn: (c: Credentials) => void }) {
  const [form, setForm] = useState<Credentials>({ accessKeyId: '', secretAccessKey: '', region: 'us-east-1' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Credentials) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value.trim() });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await new Client(form).json('/gust/health');
      props.onSignedIn(form);
    } catch (err) {
      const x = err as { code?: string; message?: string };
      setError(x.code === 'UnrecognizedClientException' || x.code === 'InvalidSignatureException' ? 'That key or secret was not accepted.' : `${x.code ?? 'Error'}: ${x.message ?? err}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <form class="signin-card" onSubmit={submit} data-testid="sign-in">
        <div class="brand big">
          <span class="logo" aria-hidden="true" /> Gust
        </div>
        <p class="lede">Sign in with an access key. The console signs every call in your browser; the key stays in this tab only.</p>
        <label>
          Access key id
          <input name="accessKeyId" autoComplete="username" required value={form.accessKeyId} onInput={set('accessKeyId')} placeholder="GKIA…" />
        </label>
        <label>
          Secret access key
          <input name="secretAccessKey" type="password" autoComplete="current-password" required value={form.secretAccessKey} onInput={set('secretAccessKey')} />
        </label>
        <label>
          Region
          <input name="region" required value={form.region} onInput={set('region')} />
        </label>
        {error && (
          <div class="error-box" role="alert">
            {error}
          </div>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p class="hint">
          Your admin key is in the <code>credentials</code> file of Gust's data directory (<code>.gust/credentials</code> by default), or make one with <code>gust keys create</code>.
        </p>
      </form>
    </div>
  );
}
