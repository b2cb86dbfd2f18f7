"""Names the notebooks use but never define, found by pyflakes over each notebook's code cells joined in order, and cell ids
that a notebook holds twice (nbformat renumbers them on reading, and an exported line then points to the wrong cell).

`nbdev_test` runs every cell, but cells that need the real flowers or a long run skip themselves under IN_TEST, and a name that
went missing from one of them (an import moved elsewhere) fails only for the reader who runs it. Exit 1 on any undefined name."""
import collections, json, subprocess, sys, tempfile
from pathlib import Path

import fastcore.test

STAR = 'from fastcore.test import *'                                 # pyflakes cannot see through a star import: spell it out
EXPLICIT = 'from fastcore.test import ' + ', '.join(fastcore.test.__all__)

def notebook_code(path:Path)->tuple:
    "`(code, cell ids)`: the code cells of the notebook at `path` joined in order (without magics), and each line's cell."
    cells = [(c.get('id'), ''.join(c['source'])) for c in json.loads(path.read_text())['cells'] if c['cell_type'] == 'code']
    lines = [(i, l) for i, c in cells for l in c.splitlines() if not l.lstrip().startswith(('%', '!'))]
    return '\n'.join(l for _, l in lines).replace(STAR, EXPLICIT), [i for i, _ in lines]

bad = []
for nb in sorted(Path(__file__).resolve().parent.parent.glob('nbs/*.ipynb')):
    with tempfile.NamedTemporaryFile('w', suffix='.py') as f:
        code, ids = notebook_code(nb)
        f.write(code); f.flush()
        out = subprocess.run([sys.executable, '-m', 'pyflakes', f.name], capture_output=True, text=True).stdout
    ids_twice = [i for i, n in collections.Counter(c.get('id') for c in json.loads(nb.read_text())['cells']).items() if n > 1]
    bad += [f"{nb.name}: the cell id {i} is used twice" for i in ids_twice]
    for l in out.splitlines():
        if 'undefined name' in l: bad.append(f"{nb.name}, cell {ids[int(l.split(':')[1]) - 1]}: {l.split(': ', 1)[1]}")
for b in bad: print(b)
print(f"{len(bad)} undefined names or repeated cell ids in the notebooks" if bad else
      "notebooks: every name they use is defined, every cell id is used once")
sys.exit(1 if bad else 0)
