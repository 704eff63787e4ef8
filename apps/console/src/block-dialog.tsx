import { useEffect, useRef, useState } from 'preact/hooks';

const WORDING = {
  block: {
    title: (name: string) => `Block ${name}?`,
    description:
      'They will not be able to send you messages. Messages they send while blocked are dropped and are not delivered after an unblock.',
    confirm: 'Block customer',
    confirmClass: 'danger',
  },
  unblock: {
    title: (name: string) => `Unblock ${name}?`,
    description:
      'They will be able to send you messages again. Messages they sent while blocked stay dropped.',
    confirm: 'Unblock customer',
    confirmClass: 'primary',
  },
} as const;

/**
 * Confirmation before blocking or unblocking, with a reason (a modal dialog: focus stays inside,
 * Esc cancels). The reason is optional unless the tenant's block policy requires one; agents
 * cannot read that policy, so the dialog does not guess: it shows the gateway's refusal
 * (`error`) and stays open, so the agent can add a reason and confirm again.
 */
export function BlockDialog({
  action,
  name,
  busy,
  error,
  onCancel,
  onConfirm,
}: {
  action: 'block' | 'unblock';
  name: string;
  busy: boolean;
  /** Why the last attempt was refused (the problem's detail). */
  error?: string;
  onCancel: () => void;
  onConfirm: (reason?: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const wording = WORDING[action];
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  useEffect(() => {
    if (error) {
      reasonField.current?.focus();
    }
  }, [error]);
  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="block-title"
      aria-describedby="block-description"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(reason.trim() || undefined);
        }}
      >
        <h2 id="block-title">{wording.title(name)}</h2>
        <p id="block-description">{wording.description}</p>
        <label for="block-reason">Reason (visible to your team)</label>
        <textarea
          id="block-reason"
          ref={reasonField}
          rows={3}
          maxLength={500}
          value={reason}
          aria-describedby={error ? 'block-error' : undefined}
          aria-invalid={error ? true : undefined}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        {error && (
          <p id="block-error" class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class={wording.confirmClass} disabled={busy}>
            {wording.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}
