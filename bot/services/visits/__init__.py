"""Visitors, reception rooms and field visits: the receptionist's desk (C9, C10, C11).

- commands.py: `visitor …`, `room …`, `fieldvisit …` on any platform (neutral results);
- actions.py: the desk's buttons and forms;
- desk.py, rooms.py, fieldvisits.py: the use cases; common.py: permissions, PIPA, alerts;
- timers.py: the wall-clock steps (TIMERS, gathered in bot/scheduler.py);
- retention.py: visitor personal data anonymised after `visitors.retention_days`.
"""
