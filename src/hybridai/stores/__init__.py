"""Where hybridai keeps state, and the protocols that state sits behind.

    protocols.py  BudgetLedger, HealthState, AnswerStore, QuestionIndex: the state stores
    ledger.py     the budget's values (Period, BudgetStatus, Reservation) and the cap rule
    health.py     the breakers' records (BreakerRecord, CallWindow)
    answers.py    the response cache's values (StoredAnswer, Entry, Embedded, Match)
    memory.py     in-process stores: MemoryBudgetLedger, MemoryHealthState
    sqlite.py     how the SQLite files are opened and migrated
"""
