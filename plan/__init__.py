"""The improvement plan of an assessment: suggestions from the action library and the actions an organisation
keeps. Front door: `plan.service`; the rules for its fields are in `rules.plan`."""
