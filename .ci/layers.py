"""Imports flow one way: parse every module of flowervae (imports inside functions included), fail on a cycle, and hold the
package to its size limits (modules of at most 300 lines, functions of at most 40, lines of at most 130 characters).

Prints one line per module: lines, and the flowervae modules it imports. Exit 1 on a cycle or a limit passed."""
import ast, sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent/'flowervae'
MAX_MODULE, MAX_FUNCTION, MAX_LINE = 300, 40, 130

def flowervae_imports(tree:ast.AST, name:str)->set:
    "The flowervae modules that module `name` imports, anywhere in its body."
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level: mod = '.'.join(['flowervae'] + ([mod] if mod else []))            # from .x import y
            if mod == 'flowervae': out |= {f"flowervae.{a.name}" for a in node.names}       # from flowervae import x
            elif mod.startswith('flowervae.'): out.add(mod)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith('flowervae.')}
    return {m for m in out if m != name and (PKG/f"{m.split('.', 1)[1]}.py").exists()}

def find_cycle(graph:dict)->list|None:
    "A list of modules that import each other in a circle, or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 'open'; stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 'open': return stack[stack.index(n):] + [n]
            if n not in state and (c := visit(n)): return c
        state[m] = 'done'; stack.pop()
    for m in sorted(graph):
        if m not in state and (c := visit(m)): return c

def limits(path:Path, tree:ast.AST, text:str)->list:
    "What in this module passes the size limits."
    lines, bad = text.splitlines(), []
    if len(lines) > MAX_MODULE: bad.append(f"{path.name}: {len(lines)} lines (at most {MAX_MODULE})")
    for i, l in enumerate(lines, 1):
        if len(l) > MAX_LINE: bad.append(f"{path.name}:{i}: line of {len(l)} characters (at most {MAX_LINE})")
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION:
            bad.append(f"{path.name}:{node.lineno}: function {node.name} of {n} lines (at most {MAX_FUNCTION})")
    return bad

graph, bad = {}, []
for path in sorted(PKG.glob('*.py')):
    if path.name.startswith('_'): continue                                                  # __init__, nbdev's _modidx
    name, text = f"flowervae.{path.stem}", path.read_text()
    tree = ast.parse(text)
    graph[name] = flowervae_imports(tree, name)
    bad += limits(path, tree, text)
    print(f"{path.stem:12} {len(text.splitlines()):4} lines  imports {', '.join(sorted(m.split('.')[1] for m in graph[name])) or '-'}")
if (cycle := find_cycle(graph)): bad.insert(0, "import cycle: " + ' -> '.join(cycle))
for b in bad: print(b)
print("imports flow one way; every module within its limits" if not bad else f"{len(bad)} problems")
sys.exit(1 if bad else 0)
