"""Fails when any of the project's modules import each other in a circle, at module level or inside a
function (grimp, import-linter's graph builder, sees both). Prints each circle it finds."""

import sys
from pathlib import Path

import grimp

sys.path.insert(0, str(Path.cwd()))  # run from the project's root, as .ci/run does

PACKAGES = ("accounts", "notifications", "symptoms", "education", "cipn_tracker")


def circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    modules = sorted(m for m in graph.modules if not m.endswith(".migrations") and ".migrations." not in m)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in low and child in graph.modules:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def main() -> int:
    graph = grimp.build_graph(*PACKAGES)
    found = circles(graph)
    for group in found:
        print("import circle:", " <-> ".join(group))
    print(f"{len(graph.modules)} modules, {len(found)} import circles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
