#ifndef PAYDESK_CNCURSESW_SHIM_H
#define PAYDESK_CNCURSESW_SHIM_H
// Without NCURSES_WIDECHAR get_wch and the wide-character output calls are not declared.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Globals and macros exposed as functions so Swift never touches mutable C globals directly.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_set_escdelay(int ms) { return set_escdelay(ms); }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline int cn_err(void) { return ERR; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_f(int n) { return KEY_F(n); }
static inline void cn_setlocale_all(void) { setlocale(LC_ALL, ""); }
// Console additions: restoring the terminal on every exit path, mouse masks, colour pairs.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <langinfo.h>
#include <string.h>
static inline void cn_safe_endwin(void) { if (stdscr != NULL && !isendwin()) endwin(); }
static inline void cn_on_quit_signal(int sig) { cn_safe_endwin(); _exit(128 + sig); }
static inline void cn_on_crash_signal(int sig) { cn_safe_endwin(); signal(sig, SIG_DFL); raise(sig); }
static inline void cn_at_exit(void) { cn_safe_endwin(); }
/// Installs endwin on exit(), SIGINT, SIGTERM, SIGHUP and on crashes (the crash still happens after).
static inline void cn_install_exit_handlers(void) {
    atexit(cn_at_exit);
    signal(SIGINT, cn_on_quit_signal);
    signal(SIGTERM, cn_on_quit_signal);
    signal(SIGHUP, cn_on_quit_signal);
    signal(SIGABRT, cn_on_crash_signal);
    signal(SIGSEGV, cn_on_crash_signal);
    signal(SIGBUS, cn_on_crash_signal);
    signal(SIGILL, cn_on_crash_signal);
    signal(SIGTRAP, cn_on_crash_signal);
}
static inline int cn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}
static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button2_pressed(void) { return BUTTON2_PRESSED; }
static inline mmask_t cn_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t cn_button5_pressed(void) { return 0; }
#endif
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
#endif
