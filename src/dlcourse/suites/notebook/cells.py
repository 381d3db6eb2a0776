"""The code a notebook shows: each task's own function, read from the module the runner executes, with the
imports it needs, so the notebook and `dlcourse run` cannot drift apart.

A task cell defines the function exactly as its module does (without the `@task` line that registers it); the
cell after it runs that definition through the same runner as the command line.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
from collections import defaultdict
from collections.abc import Callable

from dlcourse.suites.registry import Task


def task_code(task: Task) -> str:
    """The imports the task function uses, then its source as written in its module, undecorated."""
    return imports_of(task.fn) + "\n\n\n" + undecorated_source(task.fn)


def undecorated_source(fn: Callable) -> str:
    source = textwrap.dedent(inspect.getsource(fn))
    definition = ast.parse(source).body[0]
    return "\n".join(source.splitlines()[definition.lineno - 1 :]).rstrip() + "\n"


def imports_of(fn: Callable) -> str:
    """Import lines for every global name the function reads: as its module imports it, or from the module
    itself for what the module defines. Standard and third-party libraries first, then dlcourse."""
    spelled = module_imports(sys.modules[fn.__module__])
    plain, named = set(), defaultdict(set)
    for name in global_names(fn):
        if name in spelled and spelled[name][1] is None:
            plain.add(spelled[name][0])
        else:
            module, original = spelled.get(name, (fn.__module__, name))
            named[module].add(original if original == name else f"{original} as {name}")
    lines = sorted(plain) + [f"from {module} import {', '.join(sorted(names))}" for module, names in named.items()]
    return "\n".join(sorted(lines, key=lambda line: (" dlcourse" in line, line)))


def module_imports(module: types.ModuleType) -> dict[str, tuple[str, str | None]]:
    """Each name a module's top-level imports bind: ("import numpy as np", None) for a module, (the module it
    comes from, its name there) for a name taken from one."""
    bound = {}
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                line = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                bound[local] = (line, None)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                bound[alias.asname or alias.name] = (node.module, alias.name)
    return bound


def global_names(fn: Callable) -> set[str]:
    """Names the function's source reads that its module defines or imports (annotations included), less the
    names it binds itself."""
    tree = ast.parse(undecorated_source(fn))
    bound = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return {name for name in read - bound if name in fn.__globals__}
