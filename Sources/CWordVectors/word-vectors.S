/* Links word-vectors.bin (made by scripts/distil-word-vectors) into the binary as read-only data. The
   assembler finds the file through the target's header search path ("." in Package.swift). An accessor in
   C returns it (CWordVectors.c): Swift cannot take the address of an imported array of unknown size. */
    .section .rodata
    .balign 16
    .global entraide_word_vectors_start
    .global entraide_word_vectors_end
entraide_word_vectors_start:
    .incbin "word-vectors.bin"
entraide_word_vectors_end:
    .section .note.GNU-stack,"",@progbits
