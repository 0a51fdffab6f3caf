"""``indicators.projections.project_population`` (indicators/models/projections.py) at its documented path."""

from indicators.models.projections import project_groups, project_population

__all__ = ["project_groups", "project_population"]
