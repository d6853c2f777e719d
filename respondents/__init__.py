"""Respondents: colleagues who answer the questionnaire on their own by a personal link, taken together by
role. Front door: `respondents.service`."""
