// "Add an index server" and "Federate with": one host:port field checked with the API's own
// schema before anything is sent, so a typo is explained inline; the node's refusal shows in
// the same place. The field empties once the node took the address.
import { useId, useState } from 'react';
import type { z } from 'zod';
import { hostPortSchema } from '../../src-shared/api/common.js';

export interface AddAddressFormProps {
  label: string;
  placeholder: string;
  /** Adds the checked address; true when the node took it. */
  onAdd(address: string): Promise<boolean>;
  /** The node's own message (a refusal), shown when the typed address itself is fine. */
  error: string | null;
  /** The API's schema for the field; default: "host:port". */
  schema?: z.ZodType<string, string>;
}

export function AddAddressForm({ label, placeholder, onAdd, error, schema = hostPortSchema }: AddAddressFormProps) {
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const messageId = useId();

  const submit = async () => {
    const parsed = schema.safeParse(draft);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'expected "host:port"');
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      if (await onAdd(parsed.data)) setDraft('');
    } finally {
      setBusy(false);
    }
  };
  const message = invalid ?? error;

  return (
    <>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          value={draft}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={message ? messageId : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setInvalid(null);
          }}
        />
        <button type="submit" disabled={busy}>
          Add
        </button>
      </form>
      {message ? (
        <p id={messageId} className="error-inline" role="alert">
          {message}
        </p>
      ) : null}
    </>
  );
}
