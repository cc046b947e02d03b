import { Dialog } from './dialog'
import { shortcuts } from './keyboard'

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={onClose} testid="shortcut-dialog">
      <table class="shortcuts">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map((shortcut) => (
            <tr key={shortcut.keys}>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
              <td>{shortcut.does}</td>
              <td>{shortcut.where}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">Keys are ignored while you type in a field, except Escape.</p>
    </Dialog>
  )
}
