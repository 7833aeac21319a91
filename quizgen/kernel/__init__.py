"""The kernel: what every stage shares and nothing stage-specific.

Errors with exit statuses (:mod:`.errors`), files written atomically (:mod:`.files`), worker
processes (:mod:`.workers`), seeds (:mod:`.seeds`), where the shipped bank and templates are
(:mod:`.resources`), symbol domains (:mod:`.domains`), the decimal-separator sentence
(:mod:`.decimals`) and LMS version codes (:mod:`.versioncode`). Kernel modules import no other part
of quizgen, and none imports SymPy.
"""
