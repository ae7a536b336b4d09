/*
 * A HotSpot disassembler plug-in ("hsdis") over Capstone, for x86-64: what -XX:+PrintAssembly and JMH's
 * -prof perfasm need to print compiled code as instructions. Debian packages no hsdis that HotSpot 22+ loads
 * (libhsdis0-fcml exports only the entry point older JDKs called), so bench/perfasm.sh builds this one.
 *
 * HotSpot calls decode_instructions_virtual with the code's virtual address range and a copy of its bytes; for
 * each instruction the plug-in reports "insn" (HotSpot prints the address and its annotations), prints the
 * instruction through printf_callback, and reports "/insn" with the next instruction's address.
 */
#include <capstone/capstone.h>
#include <stdint.h>

typedef void *(*event_callback_t)(void *stream, const char *event, void *arg);
typedef int (*printf_callback_t)(void *stream, const char *format, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_callback_t event, void *event_stream, printf_callback_t print,
                                  void *print_stream, const char *options, int newline) {
    (void) options;
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return NULL;
    cs_insn *insn = cs_malloc(handle);
    const uint8_t *code = buffer;
    size_t left = length;
    uint64_t address = start_va;
    while (address < end_va && left > 0) {
        event(event_stream, "insn", (void *) (uintptr_t) address);
        if (cs_disasm_iter(handle, &code, &left, &address, insn)) {
            print(print_stream, "%-11s %s", insn->mnemonic, insn->op_str);
        } else {
            /* not an instruction Capstone knows (data in the code blob): one byte, and on */
            print(print_stream, "%-11s 0x%02x", ".byte", *code);
            code++;
            left--;
            address++;
        }
        event(event_stream, "/insn", (void *) (uintptr_t) address);
        if (newline) print(print_stream, "\n");
    }
    cs_free(insn, 1);
    cs_close(&handle);
    return (void *) (uintptr_t) address;
}
