"""The KPI register of an organisation (which KPIs it follows, their measurements and targets). Front door:
`kpi.service`; what a KPI is and its figures are in `indicators/`."""
