"""What a KPI is and how its figures are computed, without a database: the library model and file, the
figures (years, targets, effects) and their wording. The KPI register of an organisation is `kpi.service`."""
