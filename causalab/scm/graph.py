"""Graph questions, answered with networkx's d-separation and DoWhy's graph helpers.

All checks use the model's graph as it is (with edges cut by hard interventions) and
treat hidden variables as unusable for adjustment.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ..exceptions import InvalidValueError


def _as_set(nodes) -> set[str]:
    return {nodes} if isinstance(nodes, str) else set(nodes)


class GraphQueries:
    """Mixin: d-separation, back-door, front-door and instrument checks."""

    def d_separated(self, x, y, given: Iterable[str] = ()) -> bool:
        """True when ``x`` and ``y`` are d-separated by ``given`` in the graph."""
        x, y, z = _as_set(x), _as_set(y), _as_set(given)
        self._check_names(x | y | z)
        for a, b, what in ((x, y, "x and y"), (x, z, "x and given"), (y, z, "y and given")):
            if a & b:
                raise InvalidValueError(f"d_separated needs disjoint sets; {what} share {sorted(a & b)}")
        return nx.is_d_separator(self.graph, x, y, z)

    def is_backdoor_set(self, treatment: str, outcome: str, adjustment: Iterable[str]) -> bool:
        """Pearl's back-door criterion: no element descends from the treatment and the set
        blocks every back-door path (checked with DoWhy's ``check_valid_backdoor_set``)."""
        from dowhy.graph import check_valid_backdoor_set

        z = _as_set(adjustment)
        self._check_names(z | {treatment, outcome})
        if z & (nx.descendants(self.graph, treatment) | {treatment}):
            return False
        return bool(check_valid_backdoor_set(self.graph, [treatment], [outcome], list(z))["is_dseparated"])

    def minimal_backdoor_set(self, treatment: str, outcome: str) -> set[str] | None:
        """A minimal valid back-door set of observed variables, or ``None`` if none exists.

        Uses networkx's ``find_minimal_d_separator`` on the graph without the treatment's
        outgoing edges, restricted to observed non-descendants of the treatment.
        """
        self._check_names([treatment, outcome])
        if treatment == outcome:
            raise InvalidValueError(f"the treatment and the outcome must differ, got {treatment!r} twice")
        g = self.graph.copy()
        g.remove_edges_from(list(g.out_edges(treatment)))
        allowed = set(self.observed) - nx.descendants(self.graph, treatment) - {treatment, outcome}
        found = nx.find_minimal_d_separator(g, {treatment}, {outcome}, restricted=allowed)
        return None if found is None else set(found)

    def is_frontdoor_set(self, treatment: str, outcome: str, mediators: Iterable[str]) -> bool:
        """Pearl's front-door criterion for ``mediators``.

        (i) they intercept every directed path from treatment to outcome; (ii) no
        back-door path from the treatment to them is open; (iii) every back-door path
        from them to the outcome is blocked by the treatment.
        """
        m = _as_set(mediators)
        self._check_names(m | {treatment, outcome})
        if not m:
            raise InvalidValueError("is_frontdoor_set() needs at least one mediator")
        g = self.graph
        cut = g.copy()
        cut.remove_nodes_from(m)
        if nx.has_path(cut, treatment, outcome):
            return False
        no_t_out = g.copy()
        no_t_out.remove_edges_from(list(g.out_edges(treatment)))
        if not nx.is_d_separator(no_t_out, {treatment}, m, set()):
            return False
        no_m_out = g.copy()
        no_m_out.remove_edges_from([e for v in m for e in g.out_edges(v)])
        return nx.is_d_separator(no_m_out, m, {outcome}, {treatment})

    def is_instrument(self, instrument: str, treatment: str, outcome: str, given: Iterable[str] = ()) -> bool:
        """Graphical (conditional) instrument: relevant to the treatment given ``given``, and
        d-separated from the outcome given ``given`` once the treatment's outgoing edges
        are removed (exclusion and no confounding with the outcome)."""
        w = _as_set(given)
        self._check_names(w | {instrument, treatment, outcome})
        g = self.graph
        if nx.is_d_separator(g, {instrument}, {treatment}, w):
            return False
        no_t_out = g.copy()
        no_t_out.remove_edges_from(list(g.out_edges(treatment)))
        return nx.is_d_separator(no_t_out, {instrument}, {outcome}, w)

    def instruments(self, treatment: str, outcome: str) -> list[str]:
        """Observed instruments found by DoWhy's ``get_instruments``, confirmed by :meth:`is_instrument`."""
        from dowhy.graph import get_instruments

        self._check_names([treatment, outcome])
        found = get_instruments(self.graph, [treatment], [outcome])
        return sorted(z for z in found if z in set(self.observed) and self.is_instrument(z, treatment, outcome))

    def draw(self, ax=None, roles: dict | None = None, title: str | None = None, labels: dict | None = None,
             layout: str = "layers"):
        """Draw the DAG with matplotlib (see :func:`causalab.scm.draw.draw_scm`)."""
        from .draw import draw_scm

        return draw_scm(self, ax=ax, roles=roles, title=title, labels=labels, layout=layout)

    def to_pyro(self, coupling: bool = False):
        """A Pyro model with one sample site per variable (see :func:`causalab.scm.pyro.to_pyro`;
        ``coupling=True`` carries causalab's discrete counterfactual coupling into the export)."""
        from .pyro import to_pyro

        return to_pyro(self, coupling=coupling)
