"""Tables readable on a phone, on every page (injected once by app.py): below 640 px a table of several columns
becomes one card per row, each cell after its column's header, instead of a table scrolling sideways that
hides its last columns (a territory, France, 2050).

Two kinds of tables get it: the app's own HTML tables (``views.profile_cards.stacked_table``: every cell
carries its header in ``data-label``) and Streamlit's ``st.table``, whose cells a small script labels from
the table's header row (Streamlit draws no such attribute). Wider screens keep the ordinary table.
"""

from __future__ import annotations

PHONE = 640  # px: Streamlit's own breakpoint, where columns stack

STYLE = f"""<style>
@media (max-width:{PHONE}px){{
table.rs-stack thead{{display:none}}
table.rs-stack,table.rs-stack tbody,table.rs-stack tr{{display:block;width:100%}}
table.rs-stack tr{{border:1px solid rgba(49,51,63,.2);border-radius:.5rem;margin:0 0 .6rem;padding:.35rem .7rem}}
table.rs-stack tr>:is(td,th){{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:.75rem;
 text-align:right;border:0;padding:.15rem 0;white-space:normal;overflow-wrap:anywhere;min-width:0;max-width:none;
 position:static;box-shadow:none;width:auto}}
table.rs-stack tr>:is(td,th)::before{{content:attr(data-label);text-align:left;color:#555;font-size:.8rem;
 font-weight:400}}
table.rs-stack tr>:first-child{{display:block;text-align:left;font-weight:600;border-bottom:1px solid #eee;
 padding-bottom:.3rem;margin-bottom:.15rem;box-shadow:none!important;position:static!important}}
table.rs-stack tr>:first-child::before{{content:none}}
}}
</style>"""

# Labels every body cell of every st.table with its column's header and marks the table "rs-stack"; runs
# again (once per frame at most) whenever Streamlit redraws part of the page.
SCRIPT = r"""<script>
(() => {
  if (window.__radarStack) return;
  window.__radarStack = true;
  const label = () => {
    window.__radarStackQueued = false;
    document.querySelectorAll('[data-testid=stTable] table').forEach(table => {
      const head = table.querySelector('thead tr:last-child');
      if (!head) return;
      const names = [...head.children].map(th => th.innerText.trim());
      table.querySelectorAll('tbody tr').forEach(tr => [...tr.children].forEach((cell, i) => {
        if (names[i] !== undefined && cell.getAttribute('data-label') !== names[i]) {
          cell.setAttribute('data-label', names[i]);
        }
      }));
      table.classList.add('rs-stack');
    });
  };
  new MutationObserver(() => {
    if (!window.__radarStackQueued) { window.__radarStackQueued = true; requestAnimationFrame(label); }
  }).observe(document.body, {subtree: true, childList: true});
  label();
})();
</script>"""
