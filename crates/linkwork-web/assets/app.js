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

// Tables on phones: label each cell with its column's heading, so a row can
// be shown as a card (see app.css) instead of hiding columns off-screen.
for (const table of document.querySelectorAll('table.govuk-table')) {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim())
  if (heads.length === 0) { continue }
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      if (heads[i] && !cell.hasAttribute('data-label')) { cell.setAttribute('data-label', heads[i]) }
    })
  }
  table.classList.add('lw-cards')
}

// The session ends after a while without activity: warn two minutes before,
// with a way to stay signed in. `lwSession.warnIn(s)` re-plans the warning.
const warning = document.getElementById('session-warning')
if (warning) {
  const csrf = warning.dataset.csrf
  let timer = null
  let before = null
  const show = () => {
    before = document.activeElement
    warning.hidden = false
    warning.querySelector('button[data-stay]').focus()
  }
  const plan = (seconds) => {
    clearTimeout(timer)
    timer = setTimeout(show, Math.max(0, seconds) * 1000)
  }
  warning.querySelector('button[data-stay]').addEventListener('click', async (e) => {
    e.preventDefault()
    const body = new URLSearchParams({ csrf_token: csrf })
    const r = await fetch('/session/keep-alive', { method: 'POST', body, credentials: 'same-origin' })
    if (r.ok && !r.redirected) {
      const { seconds_left: left } = await r.json()
      warning.hidden = true
      document.getElementById('session-warning-status').textContent = 'You are still signed in.'
      if (before && before.focus) { before.focus() }
      plan(left - 120)
    } else {
      // Already ended: stay on the page, so nothing typed is lost; sending
      // the form keeps it for after signing in again.
      document.getElementById('session-warning-text').textContent =
        'Your session has already ended. Send what you are writing as usual: it will be kept, and you can send it again after signing in.'
      warning.querySelector('button[data-stay]').hidden = true
    }
  })
  window.lwSession = { warnIn: plan }
  plan(Number(warning.dataset.secondsLeft) - 120)
}

// Long lists of checkboxes (such as a user's sites): type to narrow them.
// Ticked boxes always stay in view.
for (const box of document.querySelectorAll('[data-filter-list]')) {
  const items = [...box.querySelectorAll('.govuk-checkboxes__item')]
  const id = `filter-${Math.random().toString(36).slice(2)}`
  const group = document.createElement('div')
  group.className = 'govuk-form-group'
  group.innerHTML = `<label class="govuk-label" for="${id}"></label><input class="govuk-input govuk-!-width-two-thirds" id="${id}" type="search" autocomplete="off"><p class="govuk-body-s" role="status" aria-live="polite"></p>`
  group.querySelector('label').textContent = box.dataset.filterList
  const input = group.querySelector('input')
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault() } })
  const status = group.querySelector('p')
  box.prepend(group)
  input.addEventListener('input', () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean)
    let shown = 0
    for (const item of items) {
      const text = item.textContent.toLowerCase()
      const ticked = item.querySelector('input').checked
      const match = ticked || words.every((w) => text.includes(w))
      item.hidden = !match
      if (match) { shown += 1 }
    }
    status.textContent = words.length ? `${shown} of ${items.length} sites shown` : ''
  })
}

// The directory's map: Leaflet (vendored), loaded only on pages with a map.
// Without a tile server configured it shows the markers on a plain ground;
// the list beside it always has the same services.
const mapBox = document.getElementById('lw-map')
const mapData = document.getElementById('lw-map-data')
if (mapBox && mapData) {
  const css = document.createElement('link')
  css.rel = 'stylesheet'
  css.href = '/assets/leaflet/leaflet.css'
  document.head.append(css)
  const script = document.createElement('script')
  script.src = '/assets/leaflet/leaflet.js'
  script.onload = () => {
    const L = window.L
    const data = JSON.parse(mapData.textContent)
    L.Icon.Default.imagePath = '/assets/leaflet/'
    const map = L.map(mapBox, { scrollWheelZoom: false })
    if (mapBox.dataset.tiles) {
      L.tileLayer(mapBox.dataset.tiles, { maxZoom: 18, attribution: mapBox.dataset.attribution || '' }).addTo(map)
    }
    const points = []
    for (const m of data.markers) {
      const marker = L.marker([m.lat, m.lon], { title: m.name, alt: m.name }).addTo(map)
      const link = document.createElement('a')
      link.href = `#service-${m.id}`
      link.textContent = m.name
      marker.bindPopup(link)
      points.push([m.lat, m.lon])
    }
    if (data.centre) {
      L.circleMarker([data.centre.lat, data.centre.lon], { radius: 6, color: '#1d70b8' }).addTo(map).bindTooltip(data.centre.label)
      points.push([data.centre.lat, data.centre.lon])
    }
    if (points.length) { map.fitBounds(points, { padding: [20, 20], maxZoom: 15 }) }
  }
  document.head.append(script)
}

// Long work sent by a form (an import): say so while the server works.
for (const form of document.querySelectorAll('form[data-busy]')) {
  form.addEventListener('submit', () => {
    const note = document.createElement('div')
    note.className = 'govuk-inset-text'
    note.setAttribute('role', 'status')
    note.innerHTML = '<p class="govuk-body"></p><progress class="lw-busy" aria-label="Working"></progress>'
    note.querySelector('p').textContent = form.dataset.busy
    form.after(note)
    for (const b of form.querySelectorAll('button')) { b.disabled = true }
  })
}

// Work under way (an import): fetch the page again every so often and show
// its progress in place; once the work is done, show the finished page.
for (const region of document.querySelectorAll('[data-poll]')) {
  for (const el of document.querySelectorAll('[data-poll-hide]')) { el.hidden = true }
  const every = Number(region.dataset.poll) || 1000
  const tick = async () => {
    try {
      const r = await fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html')
      const next = doc.querySelector('[data-poll]')
      if (!next) { window.location.reload(); return }
      region.replaceChildren(...next.childNodes)
    } catch (e) { /* try again at the next tick */ }
    setTimeout(tick, every)
  }
  setTimeout(tick, every)
}
