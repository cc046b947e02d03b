// A modal dialog on the native <dialog>: focus stays inside, Escape closes it, focus returns.
import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

export function Dialog({
  open,
  title,
  onClose,
  children,
  testid,
}: {
  open: boolean
  title: string
  onClose: () => void
  children: ComponentChildren
  testid?: string
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      const before = document.activeElement as HTMLElement | null
      dialog.showModal()
      return () => {
        if (dialog.open) dialog.close()
        before?.focus?.()
      }
    }
    return undefined
  }, [open])
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={`${testid ?? 'dialog'}-title`}
      data-testid={testid}
      onClose={() => open && onClose()}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      {open && (
        <>
          <div class="dialog-head">
            <h2 id={`${testid ?? 'dialog'}-title`}>{title}</h2>
            <button type="button" class="plain" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </div>
          {children}
        </>
      )}
    </dialog>
  )
}
