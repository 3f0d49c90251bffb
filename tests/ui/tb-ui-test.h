/* tb-ui-test.h: helpers for the widget tests (a real TbWindow over a temporary ledger)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "tb-window.h"

G_BEGIN_DECLS

typedef struct
{
  char           *tmpdir;
  char           *db_path;
  TbLedger       *ledger;     /* the window's ledger */
  GSettings      *settings;   /* memory backend (gui_env), or NULL without the schema */
  TbWindow       *window;
} TbUiFixture;

/* g_test_init + adw_init when there is a display; FALSE (and every test skipped) when not. */
gboolean    tb_ui_test_init          (int           *argc,
                                      char        ***argv);
gboolean    tb_ui_test_have_display  (void);
GtkApplication *tb_ui_test_application (void);

void        tb_ui_fixture_setup      (TbUiFixture   *fixture,
                                      gconstpointer  data);
void        tb_ui_fixture_teardown   (TbUiFixture   *fixture,
                                      gconstpointer  data);

/* Depth-first search of @root's widget tree for a widget named @name (gtk_widget_set_name). */
GtkWidget  *tb_ui_find               (GtkWidget     *root,
                                      const char    *name);
/* Like tb_ui_find, but fails the test when there is none. */
GtkWidget  *tb_ui_get                (GtkWidget     *root,
                                      const char    *name);
/* The first toplevel window of @type, or NULL. */
GtkWidget  *tb_ui_find_toplevel      (GType          type);

typedef gboolean (*TbUiCondition) (gpointer user_data);
/* Spins the main loop until @condition holds or @timeout_ms pass; returns the condition. */
gboolean    tb_ui_wait_until         (TbUiCondition  condition,
                                      gpointer       user_data,
                                      guint          timeout_ms);
/* A TbUiCondition: @window is mapped and laid out (its first frame). */
gboolean    tb_ui_window_drawn       (gpointer       window);
/* Waits until @widget's window painted two more frames (what the test changed is on screen). */
void        tb_ui_wait_painted       (GtkWidget     *widget);
/* Waits until the widget @name under @root is on screen (fails after 10 s); returns it. */
GtkWidget  *tb_ui_wait_mapped        (GtkWidget     *root,
                                      const char    *name);
/* Whether a label under @root that is on screen (a toast, a message) contains @text. */
gboolean    tb_ui_shows_text         (GtkWidget     *root,
                                      const char    *text);
/* Runs what is pending on the main loop, without waiting for anything new. (There is no
 * "spin for N ms": wait on a condition with tb_ui_wait_until().) */
void        tb_ui_drain              (void);

/* Like a person: each fails the test when the widget is invisible, unmapped, without a size
 * or insensitive (itself or an ancestor). */
void        tb_ui_assert_reachable   (GtkWidget     *widget);
/* Focuses an editable entry and replaces its text (fails when it is not editable). */
void        tb_ui_type               (GtkWidget     *widget,
                                      const char    *text);
/* Enter in @editable (an entry, an entry row): its text widget's ::activate. */
void        tb_ui_press_enter        (GtkWidget     *editable);
void        tb_ui_set_text           (GtkWidget     *root,
                                      const char    *name,
                                      const char    *text);
const char *tb_ui_label_text         (GtkWidget     *root,
                                      const char    *name);
guint       tb_ui_count_rows         (GtkWidget     *list_box);
void        tb_ui_click              (GtkWidget     *root,
                                      const char    *name);
void        tb_ui_click_widget       (GtkWidget     *widget);
/* Clicks the switch @name when it is not @active yet, and waits until it has moved. */
void        tb_ui_set_switch         (GtkWidget     *root,
                                      const char    *name,
                                      gboolean       active);
/* Clicks the check button @name when its state is not @active yet. */
void        tb_ui_set_checked        (GtkWidget     *root,
                                      const char    *name,
                                      gboolean       active);

/* Creates a bill with the given lines directly in @ledger (NULL-terminated triples of
 * description, quantity text, price text); returns its id. */
gint64      tb_ui_make_bill          (TbLedger      *ledger,
                                      gint64         customer_id,
                                      ...) G_GNUC_NULL_TERMINATED;
/* Opens @path with a second, independent ledger connection and reads the bill. */
TbBill     *tb_ui_read_bill          (const char    *path,
                                      gint64         bill_id);

G_END_DECLS
