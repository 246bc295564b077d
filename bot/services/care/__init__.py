"""Care for a pupil in crisis: recognition, the answer, and the alert to the school."""
