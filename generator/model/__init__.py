"""Stage 2, the model: the IR (`ir`), the names it gives (`naming`), and `normalize`, which turns a
loaded spec into the IR. Every decision about meaning is made here, once, for every artifact."""
