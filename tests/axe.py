"""axe-core in the browser tests: the WCAG 2.1 A/AA violations it finds on a page.

The vendored ``tests/vendor/axe.min.js`` runs with the tags wcag2a, wcag2aa, wcag21a
and wcag21aa and no rule turned off."""

from __future__ import annotations

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(dash_duo) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the current page (each its rule id,
    impact and up to three offending nodes)."""
    driver = dash_duo.driver
    driver.execute_script(AXE)
    driver.set_script_timeout(30)
    result = driver.execute_async_script(
        "const tags = arguments[0], done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => done({passes: r.passes.length, violations: r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))"
        ".slice(0, 3)}))}));",
        list(TAGS),
    )
    # axe must really have checked something, or an empty violation list proves nothing.
    assert result["passes"] > 10
    return result["violations"]
