"""The survey rules, one module per job. Services flush and never commit.

- finding: surveys by address, who manages which, and what respondents may choose from;
- common: checks the builder shares (written content, web address names, order, show-if conditions);
- building: a survey's settings, its sections (pages) and copies; questions: questions and their options;
- images: easy-read pictures; translation: how much of the survey each language has, and who checked it;
- importing: a survey from an XLSForm (parsed by consult.surveys.xlsform);
- answering: answering on the web, page by page; resuming: save-and-return codes; paper: paper forms;
- reading: submitted answers for results, free text, exports and reports (participation_rows).

What each kind of question accepts and how its answers read is in consult.surveys.kinds (pure).
"""
