// linkwork's progressive enhancement: every page works without this file.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// Ask before leaving a form with unsaved changes.
for (const form of document.querySelectorAll('form[data-warn-unsaved]')) {
  let dirty = false
  form.addEventListener('input', () => { dirty = true })
  form.addEventListener('submit', () => { dirty = false })
  window.addEventListener('beforeunload', (e) => { if (dirty) { e.preventDefault() } })
}
