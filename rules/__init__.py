"""The rules for valid input, in one place: what a page, a service and a file reader all check with the same
public functions (text limits, allowed values, dates, the fields of a plan action). Imports nothing of ours."""
