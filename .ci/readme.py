"""Render nbs/index.ipynb into README.md without Quarto (which CI machines cannot install).

Markdown cells are copied; code cells become ```python blocks without their `#|` directives, followed by their
text outputs; `#| hide` cells are left out. GitHub Actions' docs build renders the same notebook with Quarto."""
import json, os, re
from pathlib import Path

root = Path(__file__).resolve().parent.parent
nb = json.loads((root/'nbs'/'index.ipynb').read_text(encoding='utf-8'))

def directives(src): return [l for l in src if l.startswith('#|')]

def code_block(cell):
    src = ''.join(l for l in cell['source'] if not l.startswith('#|')).strip()
    out = [src and f"```python\n{src}\n```"]
    for o in cell.get('outputs', []):
        text = o.get('text') or o.get('data', {}).get('text/plain')
        if text and 'image/png' not in o.get('data', {}): out.append(f"```\n{''.join(text).rstrip()}\n```")
    return '\n\n'.join(o for o in out if o)

parts = []
for cell in nb['cells']:
    src = cell['source'] if isinstance(cell['source'], list) else cell['source'].splitlines(True)
    cell['source'] = src
    if any('hide' in d for d in directives(src)): continue
    if cell['cell_type'] == 'markdown': parts.append(''.join(src).strip())
    elif cell['cell_type'] == 'code': parts.append(code_block(cell))
def rebase(md):
    "Links and images relative to nbs/ (right for the docs site) made relative to the repository root."
    def fix(m):
        url = m.group(2)
        if re.match(r'[a-z]+:|#|/', url): return m.group(0)
        return f"{m.group(1)}({os.path.normpath('nbs/' + url)})"
    return re.sub(r'(\]\s*)\(([^)\s]+)\)', fix, md)

header = '<!-- Generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file. -->'
(root/'README.md').write_text(header + '\n\n' + rebase('\n\n'.join(p for p in parts if p)) + '\n', encoding='utf-8')
