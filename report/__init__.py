"""The report of one assessment: everything an export needs, gathered from every capability (the floor above
them). Front door: `report.service.gather_report`."""
