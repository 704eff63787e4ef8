import { useEffect, useRef, useState } from 'preact/hooks';

/** Confirmation before blocking, with an optional reason (a modal dialog: focus stays inside, Esc cancels). */
export function BlockDialog({
  name,
  busy,
  onCancel,
  onConfirm,
}: {
  name: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (reason?: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
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
        <h2 id="block-title">Block {name}?</h2>
        <p id="block-description">
          They will not be able to send you messages. Messages they send while blocked are dropped and are not
          delivered after an unblock.
        </p>
        <label for="block-reason">Reason (optional, visible to your team)</label>
        <textarea
          id="block-reason"
          rows={3}
          maxLength={500}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        <div class="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={busy}>
            Block customer
          </button>
        </div>
      </form>
    </dialog>
  );
}
