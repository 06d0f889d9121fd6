"""Background work: the job-status table, the queue, and the task runner."""
