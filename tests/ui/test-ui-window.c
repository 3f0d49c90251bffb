/* test-ui-window.c: the front-desk window driven like a receptionist would, under Xvfb
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "core/tb-rules.h"
#include "services/tb-error-advice.h"
#include "tb-bill-page.h"
#include "tb-bill-row.h"
#include "tb-customer-dialog.h"
#include "tb-preferences-window.h"
#include "tb-test-utils.h"
#include "tb-ui-test.h"
#include "tb-ui-util.h"
#include "tb-void-dialog.h"

/* Amounts as the UI must print them: groups and the sign after a no-break space. */
#define NBSP "\302\240"

typedef struct
{
  TbUiFixture *fixture;
  const char  *name;
  guint        n;
} RowsWanted;

static GtkWidget *
win (TbUiFixture *fixture)
{
  return GTK_WIDGET (fixture->window);
}

static gboolean
rows_reached (gpointer user_data)
{
  RowsWanted *wanted = user_data;

  return tb_ui_count_rows (tb_ui_get (win (wanted->fixture), wanted->name)) >= wanted->n;
}

static void
wait_rows (TbUiFixture *fixture,
           const char  *list,
           guint        n)
{
  RowsWanted wanted = { fixture, list, n };

  g_assert_true (tb_ui_wait_until (rows_reached, &wanted, 10000));
  g_assert_cmpuint (tb_ui_count_rows (tb_ui_get (win (fixture), list)), ==, n);
}

static gboolean
bill_shown (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *page = tb_ui_find (win (fixture), "bill-page");
  GtkWidget *stack;

  if (page == NULL)
    return FALSE;

  stack = gtk_widget_get_ancestor (page, GTK_TYPE_STACK);
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "bill") == 0;
}

static gboolean
panel_idle (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  gboolean busy = TRUE;

  g_object_get (tb_ui_get (win (fixture), "payment-panel"), "busy", &busy, NULL);
  return !busy;
}

static gboolean
record_sensitive (TbUiFixture *fixture)
{
  return gtk_widget_get_sensitive (tb_ui_get (win (fixture), "record-button"));
}

static void
check_method (TbUiFixture *fixture,
              const char  *method,
              gboolean     active)
{
  g_autofree char *name = g_strdup_printf ("method-%s", method);

  tb_ui_set_checked (win (fixture), name, active);
}

static const char *
amount_text (TbUiFixture *fixture,
             const char  *method)
{
  g_autofree char *name = g_strdup_printf ("amount-%s", method);

  return gtk_editable_get_text (GTK_EDITABLE (tb_ui_get (win (fixture), name)));
}

static void
set_amount (TbUiFixture *fixture,
            const char  *method,
            const char  *text)
{
  g_autofree char *name = g_strdup_printf ("amount-%s", method);

  tb_ui_set_text (win (fixture), name, text);
}

/* The message under a method's amount entry, "" when hidden. */
static const char *
method_message (TbUiFixture *fixture,
                const char  *method)
{
  g_autofree char *name = g_strdup_printf ("message-%s", method);
  GtkWidget *label = tb_ui_get (win (fixture), name);

  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : "";
}

static gboolean
method_shows_error (TbUiFixture *fixture,
                    const char  *method)
{
  g_autofree char *name = g_strdup_printf ("message-%s", method);
  GtkWidget *label = tb_ui_get (win (fixture), name);

  return gtk_widget_get_visible (label) &&
         gtk_label_get_label (GTK_LABEL (label))[0] != '\0' &&
         gtk_widget_has_css_class (label, "error");
}

static void
add_line (TbUiFixture *fixture,
          const char  *description,
          const char  *quantity,
          const char  *price,
          gboolean     city_tax,
          guint        expect_rows)
{
  tb_ui_set_text (win (fixture), "line-description", description);
  tb_ui_set_text (win (fixture), "line-quantity", quantity);
  tb_ui_set_text (win (fixture), "line-price", price);
  tb_ui_set_switch (win (fixture), "line-city-tax", city_tax);
  g_assert_true (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  tb_ui_click (win (fixture), "add-line-button");
  wait_rows (fixture, "lines-list", expect_rows);
}

/* ---- tests ---- */

/* The whole front-desk flow: new bill, two lines, totals, bad amounts refused, a split
 * cash + card payment recorded, and the ledger holding exactly those payments. */
static void
test_bill_flow (TbUiFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(GError) error = NULL;
  const TbPayment *card = NULL;
  const TbPayment *cash = NULL;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  /* New bill from the header bar button (win.new-bill): created in a worker thread. */
  tb_ui_click (win (fixture), "new-bill-button");
  g_assert_true (tb_ui_wait_until (bill_shown, fixture, 10000));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Open");

  bills = tb_ledger_list_bills (fixture->ledger, TB_BILL_FILTER_ALL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bills->len, ==, 1);
  bill_id = ((TbBill *) g_ptr_array_index (bills, 0))->id;

  /* Nothing to pay yet. */
  g_assert_false (record_sensitive (fixture));

  /* A bad line is refused with a reason, and Add stays off. */
  tb_ui_set_text (win (fixture), "line-description", "Consultation");
  tb_ui_set_text (win (fixture), "line-price", "11 000");
  tb_ui_set_text (win (fixture), "line-quantity", "abc");
  g_assert_false (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "line-message"), !=, "");
  tb_ui_set_text (win (fixture), "line-code", "12");
  tb_ui_set_text (win (fixture), "line-quantity", "1");
  g_assert_false (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  tb_ui_set_text (win (fixture), "line-code", "");

  /* 11 000 ₮ with VAT: 1 000 ₮ of VAT. 2 × 1 000 ₮ with VAT and city tax:
   * VAT 2000 × 10/112 = 178.5714, city tax 2000 × 2/112 = 35.7142. */
  add_line (fixture, "Consultation", "1", "11 000", FALSE, 1);
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-total"), ==, "11" NBSP "000" NBSP "₮");
  add_line (fixture, "Bandage", "2", "1000", TRUE, 2);

  /* The editor is cleared for the next line. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (tb_ui_get (win (fixture), "line-description"))), ==, "");

  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-total"), ==, "13" NBSP "000" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-vat"), ==, "1" NBSP "178.57" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-city-tax"), ==, "35.71" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-subtotal"), ==, "11" NBSP "785.72" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-paid"), ==, "0" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-due"), ==, "13" NBSP "000" NBSP "₮");

  /* Card: ticking it pre-fills what is due. */
  check_method (fixture, "card", TRUE);
  g_assert_cmpstr (amount_text (fixture, "card"), ==, "13000");
  g_assert_true (record_sensitive (fixture));

  /* Bad amounts: an error under the entry, Record off. */
  set_amount (fixture, "card", "0");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  set_amount (fixture, "card", "-5");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  set_amount (fixture, "card", "abc");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  set_amount (fixture, "card", "13000.01");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  set_amount (fixture, "card", "");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  /* A valid part payment. */
  set_amount (fixture, "card", "5 000");
  g_assert_false (method_shows_error (fixture, "card"));
  g_assert_true (record_sensitive (fixture));

  /* Cash is pre-filled with what the card leaves; handing over 10 000 gives 2 000 back. */
  check_method (fixture, "cash", TRUE);
  g_assert_cmpstr (amount_text (fixture, "cash"), ==, "8000");
  set_amount (fixture, "cash", "10000");
  g_assert_false (method_shows_error (fixture, "cash"));
  g_assert_cmpstr (method_message (fixture, "cash"), ==, "Change to give back: 2" NBSP "000" NBSP "₮");
  g_assert_true (record_sensitive (fixture));

  /* Card more than due is refused even though cash could give change. */
  set_amount (fixture, "card", "14000");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));
  set_amount (fixture, "card", "5000");
  g_assert_true (record_sensitive (fixture));

  tb_ui_click (win (fixture), "record-button");
  /* In flight: Record is off at once. */
  g_assert_false (record_sensitive (fixture));
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 2);

  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Paid");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-paid"), ==, "13" NBSP "000" NBSP "₮");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-due"), ==, "0" NBSP "₮");
  g_assert_false (record_sensitive (fixture));

  /* The ledger, read through its own connection, has exactly those two payments. */
  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpint (bill->status, ==, TB_BILL_PAID);
  g_assert_cmpint (bill->total, ==, 1300000);
  g_assert_cmpint (bill->paid, ==, 1300000);
  g_assert_cmpint (bill->vat_e4, ==, 11785714);
  g_assert_cmpint (bill->city_tax_e4, ==, 357142);
  g_assert_cmpuint (bill->lines->len, ==, 2);
  g_assert_cmpuint (bill->payments->len, ==, 2);

  for (guint i = 0; i < bill->payments->len; i++)
    {
      const TbPayment *payment = g_ptr_array_index (bill->payments, i);

      if (payment->method == TB_METHOD_CARD)
        card = payment;
      else if (payment->method == TB_METHOD_CASH)
        cash = payment;
    }
  g_assert_nonnull (card);
  g_assert_nonnull (cash);
  g_assert_cmpint (card->amount, ==, 500000);
  g_assert_cmpint (cash->amount, ==, 800000);
  g_assert_cmpint (cash->tendered, ==, 1000000);
  g_assert_true (g_str_has_suffix (card->provider_txn_id, ":card"));
  g_assert_true (g_str_has_suffix (cash->provider_txn_id, ":cash"));
  /* Both parts belong to one attempt: the same key before the suffix. */
  g_assert_cmpint (strlen (card->provider_txn_id), ==, strlen (cash->provider_txn_id));
  g_assert_true (strncmp (card->provider_txn_id, cash->provider_txn_id,
                          strlen (card->provider_txn_id) - 5) == 0);
}

/* #9: the cash and card parts of one press are recorded in one transaction. The card
 * insert is made to fail inside the ledger (a trigger, as a full disk or a rule would):
 * the cash part must not stay recorded on its own, and after the cause is gone the same
 * press records both parts. */
static void
test_split_all_or_nothing (TbUiFixture   *fixture,
                           gconstpointer  data)
{
  g_autoptr(TbBill) before = NULL;
  g_autoptr(TbBill) after = NULL;
  GtkWidget *dialog;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "10000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  check_method (fixture, "card", TRUE);
  set_amount (fixture, "card", "4000");
  check_method (fixture, "cash", TRUE);
  set_amount (fixture, "cash", "10000");
  g_assert_true (record_sensitive (fixture));

  tb_test_sql_int (fixture->db_path,
                   "CREATE TRIGGER test_refuse_card BEFORE INSERT ON payments "
                   "WHEN NEW.method = 'CARD' BEGIN SELECT RAISE (ABORT, 'card refused'); END");

  /* The ledger warns about the refused insert: that warning is the test's doing. */
  g_test_expect_message ("Tulbur-Core", G_LOG_LEVEL_WARNING, "*card refused*");
  tb_ui_click (win (fixture), "record-button");
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  g_test_assert_expected_messages ();

  /* Neither part: the bill owes all of it, and the form keeps what was typed. */
  before = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpuint (before->payments->len, ==, 0);
  g_assert_cmpint (before->paid, ==, 0);
  g_assert_cmpint (before->status, ==, TB_BILL_OPEN);
  g_assert_cmpstr (amount_text (fixture, "card"), ==, "4000");
  g_assert_cmpstr (amount_text (fixture, "cash"), ==, "10000");

  dialog = tb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));

  tb_test_sql_int (fixture->db_path, "DROP TRIGGER test_refuse_card");
  g_assert_true (record_sensitive (fixture));
  tb_ui_click (win (fixture), "record-button");
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 2);

  after = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpuint (after->payments->len, ==, 2);
  g_assert_cmpint (after->paid, ==, 1000000);
  g_assert_cmpint (after->status, ==, TB_BILL_PAID);
}

/* ---- #11: a paid or receipted bill takes no more lines ---- */

static gboolean
lines_locked (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *locked = tb_ui_find (win (fixture), "lines-locked");

  return locked != NULL && gtk_widget_get_mapped (locked);
}

static gint64 shown_bill_id;

static gint64
shown_id (TbUiFixture *fixture)
{
  return tb_bill_page_get_bill_id (TB_BILL_PAGE (tb_window_get_bill_page (fixture->window)));
}

static gboolean
other_bill_shown (gpointer user_data)
{
  TbUiFixture *fixture = user_data;

  return bill_shown (fixture) && shown_id (fixture) != shown_bill_id;
}

static void
assert_line_editor_locked (TbUiFixture *fixture)
{
  g_assert_true (tb_ui_wait_until (lines_locked, fixture, 10000));
  g_assert_false (gtk_widget_is_sensitive (tb_ui_get (win (fixture), "line-editor")));
  g_assert_false (gtk_widget_is_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  g_assert_false (gtk_widget_is_sensitive (tb_ui_get (win (fixture), "line-description")));
  g_assert_null (tb_ui_find (tb_ui_get (win (fixture), "lines-list"), "remove-line-button"));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "lines-locked-message"), !=, "");
  tb_ui_assert_reachable (tb_ui_get (win (fixture), "new-bill-for-customer-button"));
}

/* Paid in full by the desk: the line editor locks, says why, and "New Bill for This Customer"
 * opens a new bill for the same customer; the paid bill keeps its line and status. */
static void
test_paid_bill_locks_lines (TbUiFixture   *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbBill) paid = NULL;
  g_autoptr(TbBill) fresh = NULL;
  gint64 customer_id = 0;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  g_assert_true (tb_ledger_add_customer (fixture->ledger, "Батболд", NULL, NULL, &customer_id, &error));
  g_assert_no_error (error);
  bill_id = tb_ui_make_bill (fixture->ledger, customer_id, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  /* Open: lines can be added. */
  g_assert_false (lines_locked (fixture));
  tb_ui_assert_reachable (tb_ui_get (win (fixture), "line-description"));

  check_method (fixture, "cash", TRUE);
  tb_ui_click (win (fixture), "record-button");
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 1);
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Paid");

  assert_line_editor_locked (fixture);

  shown_bill_id = bill_id;
  tb_ui_click (win (fixture), "new-bill-for-customer-button");
  g_assert_true (tb_ui_wait_until (other_bill_shown, fixture, 10000));
  g_assert_false (lines_locked (fixture));

  fresh = tb_ui_read_bill (fixture->db_path, shown_id (fixture));
  g_assert_cmpint (fresh->customer_id, ==, customer_id);
  g_assert_cmpint (fresh->status, ==, TB_BILL_OPEN);
  paid = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpint (paid->status, ==, TB_BILL_PAID);
  g_assert_cmpuint (paid->lines->len, ==, 1);
}

/* A partly paid bill whose QPay part has a REGISTERED e-receipt: its lines are on file with
 * the tax authority, so they lock too. */
static void
test_receipted_bill_locks_lines (TbUiFixture   *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  TbSettleRequest request = { .method = TB_METHOD_QPAY, .amount = 200000,
                              .provider_txn_id = "PAY-LOCK-1" };
  TbReceiptRegistration registration = {
    .ebarimt_id = "8d7c2a90-1f3e-4b6a-9c55-0e6f2b7d4a11",
    .receipt_id = "000000000000000000000000000000001",
    .qr_data = "1234",
    .merchant_tin = "30101065006",
    .amount = 200000,
  };
  TbSettleResult result;
  gint64 receipt_id;

  if (!tb_ui_test_have_display ())
    return;

  request.bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  g_assert_true (tb_ledger_settle (fixture->ledger, &request, &result, &error));
  g_assert_no_error (error);
  receipts = tb_ledger_list_receipts (fixture->ledger, TB_RECEIPT_FILTER_ALL, request.bill_id, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (receipts->len, ==, 1);
  receipt_id = ((TbReceipt *) g_ptr_array_index (receipts, 0))->id;

  /* Pending: nothing filed yet, the bill still takes lines. */
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, request.bill_id));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Partly paid");
  g_assert_false (lines_locked (fixture));
  tb_ui_assert_reachable (tb_ui_get (win (fixture), "line-description"));

  g_assert_true (tb_ledger_receipt_begin_attempt (fixture->ledger, receipt_id, "CITIZEN", NULL,
                                                  "3505", "6743000", &error));
  g_assert_true (tb_ledger_receipt_registered (fixture->ledger, receipt_id, &registration, &error));
  g_assert_no_error (error);

  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, request.bill_id));
  assert_line_editor_locked (fixture);
}

/* ---- #10: an overpaid bill is never shown as plain "Paid" ---- */

typedef struct
{
  TbUiFixture *fixture;
  gint64       bill_id;
} RowWanted;

static gboolean
row_says_overpaid (GtkWidget *widget)
{
  if (TB_IS_BILL_ROW (widget))
    return g_strcmp0 (tb_bill_row_get_status_label (TB_BILL_ROW (widget)), "Overpaid") == 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (row_says_overpaid (child))
      return TRUE;

  return FALSE;
}

static gboolean
bill_row_says_overpaid (gpointer user_data)
{
  RowWanted *wanted = user_data;

  return row_says_overpaid (tb_ui_get (win (wanted->fixture), "bill-list"));
}

static void
test_overpaid_shown (TbUiFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TbSettleRequest cash = { .method = TB_METHOD_CASH, .amount = 500000, .provider_txn_id = "desk:cash" };
  TbSettleRequest qpay = { .method = TB_METHOD_QPAY, .amount = 1000000, .provider_txn_id = "PAY-TWICE-1",
                           .skip_receipt = TRUE };
  TbSettleResult result;
  RowWanted wanted = { fixture, 0 };

  if (!tb_ui_test_have_display ())
    return;

  /* The double charge of #10: 5 000 in cash, then the QR for 10 000 paid too. */
  cash.bill_id = qpay.bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "10000", NULL);
  g_assert_true (tb_ledger_settle (fixture->ledger, &cash, &result, &error));
  g_assert_true (tb_ledger_settle (fixture->ledger, &qpay, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.overpaid);
  wanted.bill_id = cash.bill_id;

  gtk_widget_activate_action (win (fixture), "win.filter", "s", "all");
  tb_window_reload (fixture->window);
  g_assert_true (tb_ui_wait_until (bill_row_says_overpaid, &wanted, 10000));

  g_assert_true (tb_window_open_bill (fixture->window, cash.bill_id));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Overpaid");
  g_assert_true (gtk_widget_has_css_class (tb_ui_get (win (fixture), "bill-status"), "status-overpaid"));
  g_assert_false (gtk_widget_has_css_class (tb_ui_get (win (fixture), "bill-status"), "status-paid"));
  g_assert_true (gtk_widget_get_mapped (tb_ui_get (win (fixture), "overpaid-message")));
  g_assert_nonnull (strstr (tb_ui_label_text (win (fixture), "overpaid-message"), "5" NBSP "000" NBSP "₮"));
  g_assert_nonnull (strstr (tb_ui_label_text (win (fixture), "payment-state"), "overpaid"));
}

/* Pressing Record twice quickly (and Ctrl+Enter on top) records one payment. */
static void
test_double_press (TbUiFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  GtkWidget *button;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-due"), ==, "5" NBSP "000" NBSP "₮");

  check_method (fixture, "cash", TRUE);
  g_assert_cmpstr (amount_text (fixture, "cash"), ==, "5000");
  g_assert_true (record_sensitive (fixture));

  /* A second click cannot land: Record is off the moment the first one starts. Ctrl+Enter
   * (the action) on top is refused by the panel's own guard. */
  button = tb_ui_get (win (fixture), "record-button");
  tb_ui_click_widget (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_widget_activate_action (win (fixture), "win.record-payment", NULL);
  gtk_widget_activate_action (win (fixture), "win.record-payment", NULL);

  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 1);

  /* And once more after it finished: the form was cleared, Record stays off and the
   * shortcut records nothing (it would start a write at once: busy would show it). */
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_widget_activate_action (win (fixture), "win.record-payment", NULL);
  g_assert_true (panel_idle (fixture));
  tb_ui_drain ();
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpuint (bill->payments->len, ==, 1);
  g_assert_cmpint (((TbPayment *) g_ptr_array_index (bill->payments, 0))->amount, ==, 500000);
  g_assert_cmpint (bill->paid, ==, 500000);
  g_assert_cmpint (bill->status, ==, TB_BILL_PAID);
}

/* Ctrl+Enter (win.record-payment) records exactly like the button; cash over due records the
 * due amount and keeps what was handed over. */
static void
test_cash_change (TbUiFixture   *fixture,
                  gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  const TbPayment *payment;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Syringe", "3", "2500", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  check_method (fixture, "cash", TRUE);
  g_assert_cmpstr (amount_text (fixture, "cash"), ==, "7500");
  set_amount (fixture, "cash", "20 000");
  g_assert_cmpstr (method_message (fixture, "cash"), ==, "Change to give back: 12" NBSP "500" NBSP "₮");

  gtk_widget_activate_action (win (fixture), "win.record-payment", NULL);
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 1);

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpuint (bill->payments->len, ==, 1);
  payment = g_ptr_array_index (bill->payments, 0);
  g_assert_cmpint (payment->method, ==, TB_METHOD_CASH);
  g_assert_cmpint (payment->amount, ==, 750000);
  g_assert_cmpint (payment->tendered, ==, 2000000);
  g_assert_false (bill->overpaid);
  g_assert_cmpint (bill->status, ==, TB_BILL_PAID);
}

/* Splits that exceed what is due are refused; a part payment leaves the bill partly paid. */
static void
test_split_limits (TbUiFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Check-up", "1", "10000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  /* Card covers everything: cash then has nothing left to take. */
  check_method (fixture, "card", TRUE);
  check_method (fixture, "cash", TRUE);
  g_assert_cmpstr (amount_text (fixture, "cash"), ==, "");
  set_amount (fixture, "cash", "100");
  g_assert_true (method_shows_error (fixture, "cash"));
  g_assert_false (record_sensitive (fixture));

  /* Unticking cash makes it valid again. */
  check_method (fixture, "cash", FALSE);
  g_assert_true (record_sensitive (fixture));

  /* A part payment by card. */
  set_amount (fixture, "card", "4000");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "payment-summary"), ==,
                   "Pays 4" NBSP "000" NBSP "₮; 6" NBSP "000" NBSP "₮ will still be due.");
  tb_ui_click (win (fixture), "record-button");
  g_assert_true (tb_ui_wait_until (panel_idle, fixture, 10000));
  wait_rows (fixture, "payments-list", 1);
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Partly paid");
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-due"), ==, "6" NBSP "000" NBSP "₮");

  /* The next attempt is pre-filled with the new due amount and over-due card is refused. */
  check_method (fixture, "card", TRUE);
  g_assert_cmpstr (amount_text (fixture, "card"), ==, "6000");
  set_amount (fixture, "card", "6000.50");
  g_assert_true (method_shows_error (fixture, "card"));
  g_assert_false (record_sensitive (fixture));

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpuint (bill->payments->len, ==, 1);
  g_assert_cmpint (bill->paid, ==, 400000);
  g_assert_cmpint (bill->status, ==, TB_BILL_PARTIAL);
}

/* QPay is shown but, until it is configured, ticking it explains why and blocks Record. */
static void
test_qpay_not_configured (TbUiFixture   *fixture,
                          gconstpointer  data)
{
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  g_assert_true (gtk_widget_get_visible (tb_ui_get (win (fixture), "method-qpay")));
  check_method (fixture, "cash", TRUE);
  g_assert_true (record_sensitive (fixture));

  check_method (fixture, "qpay", TRUE);
  g_assert_nonnull (strstr (method_message (fixture, "qpay"), "not configured"));
  g_assert_false (record_sensitive (fixture));

  check_method (fixture, "qpay", FALSE);
  g_assert_true (record_sensitive (fixture));
}

/* The list: search by number, name and phone; filters; the count in the header. */
static void
test_search_and_filter (TbUiFixture   *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkSelectionModel *selection;
  GtkWidget *search;
  gint64 bat = 0, anna = 0;
  gint64 paid_bill;

  if (!tb_ui_test_have_display ())
    return;

  g_assert_true (tb_ledger_add_customer (fixture->ledger, "Батболд", "99112233", NULL, &bat, &error));
  g_assert_true (tb_ledger_add_customer (fixture->ledger, "Anna Smith", "88001122", NULL, &anna, &error));
  tb_ui_make_bill (fixture->ledger, bat, "Consultation", "1", "5000", NULL);
  tb_ui_make_bill (fixture->ledger, anna, "X-ray", "1", "30000", NULL);
  paid_bill = tb_ui_make_bill (fixture->ledger, 0, "Bandage", "1", "1000", NULL);
  {
    TbSettleRequest request = { .bill_id = paid_bill, .method = TB_METHOD_CASH, .amount = 100000,
                                .provider_txn_id = "test:1" };
    TbSettleResult result;

    g_assert_true (tb_ledger_settle (fixture->ledger, &request, &result, &error));
    g_assert_no_error (error);
  }

  tb_window_reload (fixture->window);
  selection = tb_window_get_selection (fixture->window);
  search = tb_ui_get (win (fixture), "search-entry");

  /* Default filter: open bills. */
  g_assert_cmpstr (tb_window_get_filter (fixture->window), ==, "open");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 2);

  gtk_widget_activate_action (win (fixture), "win.filter", "s", "all");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 3);
  gtk_widget_activate_action (win (fixture), "win.filter", "s", "paid");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 1);
  gtk_widget_activate_action (win (fixture), "win.filter", "s", "today");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 3);
  if (fixture->settings != NULL)
    {
      g_autofree char *saved = g_settings_get_string (fixture->settings, "bill-filter");

      g_assert_cmpstr (saved, ==, "today");
    }
  gtk_widget_activate_action (win (fixture), "win.filter", "s", "all");

  /* Typing, then the entry's debounced ::search-changed without its delay. Name prefix, any
   * case, any script. */
  tb_ui_type (search, "бат");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 1);

  /* Whole phone number. */
  tb_ui_type (search, "88001122");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 1);

  /* No match: the empty page says so. */
  tb_ui_type (search, "Zzz");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 0);
  g_assert_true (gtk_widget_get_mapped (tb_ui_get (win (fixture), "empty-page")));

  /* Bill number; Enter opens the first match. */
  {
    g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, paid_bill);

    tb_ui_type (search, number);
    g_signal_emit_by_name (search, "activate");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), >=, 1);
    g_assert_true (tb_ui_wait_until (bill_shown, fixture, 5000));
    g_assert_cmpstr (tb_ui_label_text (win (fixture), "bill-status"), ==, "Paid");
  }
}

static gboolean
status_is_void (gpointer user_data)
{
  return g_strcmp0 (tb_ui_label_text (win (user_data), "bill-status"), "Void") == 0;
}

static gboolean
customer_cleared (gpointer user_data);

/* Void with a reason; the reason is required. */
static void
test_void (TbUiFixture   *fixture,
           gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  GtkWidget *dialog;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));
  g_assert_true (gtk_widget_get_visible (tb_ui_get (win (fixture), "void-button")));

  tb_ui_click (win (fixture), "void-button");
  dialog = tb_ui_find_toplevel (TB_TYPE_VOID_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "void"));
  tb_ui_set_text (dialog, "void-reason", "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "void"));
  tb_ui_set_text (dialog, "void-reason", "Entered twice");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "void"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "void");

  {
    gboolean voided = FALSE;

    voided = tb_ui_wait_until (status_is_void, fixture, 5000);
    g_assert_true (voided);
  }

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpint (bill->status, ==, TB_BILL_VOID);
  g_assert_cmpstr (bill->void_reason, ==, "Entered twice");

  /* A void bill takes no payments and no lines. */
  g_assert_false (gtk_widget_get_visible (tb_ui_get (win (fixture), "payment-methods")));
  g_assert_false (gtk_widget_get_visible (tb_ui_get (win (fixture), "void-button")));
}

static gboolean
customer_set (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (tb_ui_get (win (fixture), "customer-row")));

  return g_strcmp0 (title, "Өлзий ХХК") == 0;
}

/* Create a company customer (name, phone, TIN) from the bill page. */
static void
test_customer (TbUiFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *create;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  tb_ui_click (win (fixture), "customer-button");
  dialog = tb_ui_find_toplevel (TB_TYPE_CUSTOMER_DIALOG);
  g_assert_nonnull (dialog);
  create = tb_ui_get (dialog, "customer-create");

  g_assert_false (gtk_widget_get_sensitive (create));
  tb_ui_set_text (dialog, "customer-name", "Өлзий ХХК");
  g_assert_true (gtk_widget_get_sensitive (create));
  tb_ui_set_text (dialog, "customer-tin", "12ab");
  g_assert_false (gtk_widget_get_sensitive (create));
  g_assert_true (gtk_widget_get_visible (tb_ui_get (dialog, "customer-error")));
  tb_ui_set_text (dialog, "customer-tin", "5317878");
  tb_ui_set_text (dialog, "customer-phone", "9911 2233");
  g_assert_true (gtk_widget_get_sensitive (create));
  tb_ui_click_widget (create);

  g_assert_true (tb_ui_wait_until (customer_set, fixture, 10000));

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpint (bill->customer_id, !=, 0);
  g_assert_cmpstr (bill->customer_name, ==, "Өлзий ХХК");
  customer = tb_ledger_get_customer (fixture->ledger, bill->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->register_no, ==, "5317878");
  g_assert_cmpstr (customer->phone, ==, "99112233");

  /* Picking the walk-in row clears it again. */
  tb_ui_click (win (fixture), "customer-button");
  dialog = tb_ui_find_toplevel (TB_TYPE_CUSTOMER_DIALOG);
  g_assert_nonnull (dialog);
  tb_ui_click_widget (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (tb_ui_get (dialog, "customer-results")), 0)));
  g_assert_true (tb_ui_wait_until (customer_cleared, fixture, 5000));
  g_clear_pointer (&bill, tb_bill_free);
  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  g_assert_cmpint (bill->customer_id, ==, 0);
}

/* The rule's own message for @text, to prove a form shows the shared rule (tb-rules.h). */
static char *
rule_message (gboolean    (*rule) (const char *, gboolean, char **, GError **),
              const char   *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_false (rule (text, FALSE, &out, &error));
  g_assert_error (error, TB_RULES_ERROR, error->code);
  return g_strdup (error->message);
}

static gboolean
register_no_rule (const char  *text,
                  gboolean     required,
                  char       **out,
                  GError     **error)
{
  return tb_rules_register_no (text, required, out, NULL, error);
}

static gboolean
has_error_class (GtkWidget  *root,
                 const char *name)
{
  return gtk_widget_has_css_class (tb_ui_get (root, name), "error");
}

/* The customer dialog checks with the ledger's own rules: a 12-digit TIN is fine, a 15-digit
 * one is refused with the rule's message; "+976 9911-2233" is a phone, stored as 99112233. */
static void
test_customer_rules (TbUiFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tin_message = rule_message (register_no_rule, "123456789012345");
  g_autofree char *phone_message = rule_message (tb_rules_phone, "99 11 22");
  GtkWidget *dialog;
  GtkWidget *create;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));
  tb_ui_click (win (fixture), "customer-button");
  dialog = tb_ui_find_toplevel (TB_TYPE_CUSTOMER_DIALOG);
  g_assert_nonnull (dialog);
  create = tb_ui_get (dialog, "customer-create");
  tb_ui_set_text (dialog, "customer-name", "Өлзий ХХК");

  tb_ui_set_text (dialog, "customer-tin", "123456789012345");
  g_assert_false (gtk_widget_get_sensitive (create));
  g_assert_cmpstr (tb_ui_label_text (dialog, "customer-error"), ==, tin_message);
  g_assert_true (has_error_class (dialog, "customer-tin"));
  g_assert_false (has_error_class (dialog, "customer-phone"));

  /* Six digits were a phone for the dialog once; the rule wants eight. */
  tb_ui_set_text (dialog, "customer-tin", "123456789012");
  tb_ui_set_text (dialog, "customer-phone", "99 11 22");
  g_assert_false (gtk_widget_get_sensitive (create));
  g_assert_cmpstr (tb_ui_label_text (dialog, "customer-error"), ==, phone_message);
  g_assert_true (has_error_class (dialog, "customer-phone"));
  g_assert_false (has_error_class (dialog, "customer-tin"));

  tb_ui_set_text (dialog, "customer-phone", "+976 9911-2233");
  g_assert_true (gtk_widget_get_sensitive (create));
  g_assert_false (gtk_widget_get_visible (tb_ui_get (dialog, "customer-error")));
  tb_ui_click_widget (create);
  g_assert_true (tb_ui_wait_until (customer_set, fixture, 10000));

  bill = tb_ui_read_bill (fixture->db_path, bill_id);
  customer = tb_ledger_get_customer (fixture->ledger, bill->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->register_no, ==, "123456789012");
  g_assert_cmpstr (customer->phone, ==, "99112233");
}

/* The line editor checks with the ledger's own line rules, and marks the field they name. */
static void
test_line_rules (TbUiFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *code_message = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bill_id;

  if (!tb_ui_test_have_display ())
    return;

  code_message = rule_message (tb_rules_classification_code, "12");
  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));

  tb_ui_set_text (win (fixture), "line-description", "Bandage");
  tb_ui_set_text (win (fixture), "line-price", "1000");
  tb_ui_set_text (win (fixture), "line-code", "12");
  g_assert_false (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "line-message"), ==, code_message);
  g_assert_true (has_error_class (win (fixture), "line-code"));
  tb_ui_set_text (win (fixture), "line-code", "6743000");
  g_assert_true (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));

  /* QPay takes two decimals of quantity: a third is refused here, not by the ledger later. */
  g_assert_false (tb_rules_line_quantity (1125, &error));
  tb_ui_set_text (win (fixture), "line-quantity", "1.125");
  g_assert_false (gtk_widget_get_sensitive (tb_ui_get (win (fixture), "add-line-button")));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "line-message"), ==, error->message);
  g_assert_true (has_error_class (win (fixture), "line-quantity"));
  g_clear_error (&error);

  /* No description: the description entry is the one marked. */
  tb_ui_set_text (win (fixture), "line-quantity", "1.25");
  tb_ui_set_text (win (fixture), "line-description", "");
  g_assert_false (tb_rules_line (NULL, 1250, 100000, TRUE, FALSE, NULL, NULL, &error));
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "line-message"), ==, error->message);
  g_assert_true (has_error_class (win (fixture), "line-description"));
  g_assert_false (has_error_class (win (fixture), "line-quantity"));
}

/* Error dialogs say what to do next for every domain (tb_error_advice), and a rule's refusal
 * only with its own message, which already says what to fix. */
static void
test_error_advice (TbUiFixture   *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) rule = NULL;
  g_autoptr(GError) disk = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *dialog;

  if (!tb_ui_test_have_display ())
    return;

  g_assert_false (tb_rules_phone ("12", FALSE, &out, &rule));
  dialog = tb_ui_show_error (GTK_WIDGET (fixture->window), "Customer Not Saved", rule);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, rule->message);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_cmpstr (tb_ui_error_advice (disk), ==, tb_error_advice (disk));
  expected = g_strdup_printf ("%s\n\n%s", disk->message, tb_error_advice (disk));
  dialog = tb_ui_show_error (GTK_WIDGET (fixture->window), "Not Saved", disk);
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, expected);
  g_assert_nonnull (strstr (expected, "disk is full"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
customer_cleared (gpointer user_data)
{
  return !customer_set (user_data);
}

static gboolean
tin_is (gpointer user_data)
{
  g_autofree char *tin = g_settings_get_string (G_SETTINGS (user_data), "business-tin");

  return g_strcmp0 (tin, "5317878") == 0;
}

/* Preferences write the business details to GSettings; a bad TIN is not kept. */
static void
test_preferences (TbUiFixture   *fixture,
                  gconstpointer  data)
{
  GtkWidget *prefs;
  g_autofree char *name = NULL;
  g_autofree char *tin = NULL;
  g_autofree char *citizen_message = rule_message (tb_rules_tin, "УБ99112233");

  if (!tb_ui_test_have_display ())
    return;

  if (fixture->settings == NULL)
    {
      g_test_skip ("settings schema not compiled into GSETTINGS_SCHEMA_DIR");
      return;
    }

  prefs = tb_preferences_window_new (GTK_WINDOW (fixture->window), fixture->settings);
  gtk_window_present (GTK_WINDOW (prefs));

  tb_ui_set_text (prefs, "pref-business-name", "Наран эмнэлэг");
  name = g_settings_get_string (fixture->settings, "business-name");
  g_assert_cmpstr (name, ==, "Наран эмнэлэг");

  /* A valid TIN is stored (from an idle, once the text settles)… */
  tb_ui_set_text (prefs, "pref-business-tin", "5317878");
  g_assert_true (tb_ui_wait_until (tin_is, fixture->settings, 5000));

  /* …a bad one is shown as an error and never stored, even when the window closes. A
   * citizen's register number is no TIN: the rule's own message says so. */
  tb_ui_set_text (prefs, "pref-business-tin", "УБ99112233");
  g_assert_true (gtk_widget_get_visible (tb_ui_get (prefs, "pref-tin-message")));
  g_assert_cmpstr (tb_ui_label_text (prefs, "pref-tin-message"), ==, citizen_message);
  g_assert_true (has_error_class (prefs, "pref-business-tin"));
  tb_ui_set_text (prefs, "pref-business-tin", "53178x");
  g_assert_true (gtk_widget_get_visible (tb_ui_get (prefs, "pref-tin-message")));
  gtk_window_destroy (GTK_WINDOW (prefs));
  tb_ui_drain ();

  tin = g_settings_get_string (fixture->settings, "business-tin");
  g_assert_cmpstr (tin, ==, "5317878");
}

/* Real key presses through the X server (xdotool): the shortcuts are wired, not just the
 * actions behind them. */
static void
xdotool (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status = 0;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "xdotool");
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
control_is_down (gpointer user_data)
{
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());
  GdkDevice *keyboard = gdk_seat_get_keyboard (seat);

  return (gdk_device_get_modifier_state (keyboard) & GDK_CONTROL_MASK) != 0;
}

static gboolean
control_is_up (gpointer user_data)
{
  return !control_is_down (user_data);
}

/* Ctrl+key, held down the way a person does: Ctrl until GDK reports it, then the key, and
 * Ctrl stays down until the key had its effect (@done), so a slow client (valgrind) never
 * sees the key after Ctrl was released. */
static void
press_with_control (const char    *key,
                    TbUiCondition  done,
                    gpointer       user_data)
{
  xdotool ("keydown", "ctrl", NULL);
  g_assert_true (tb_ui_wait_until (control_is_down, NULL, 10000));
  xdotool ("key", key, NULL);
  g_assert_true (tb_ui_wait_until (done, user_data, 10000));
  xdotool ("keyup", "ctrl", NULL);
  g_assert_true (tb_ui_wait_until (control_is_up, NULL, 10000));
}

static gboolean
window_active (gpointer user_data)
{
  return gtk_window_is_active (GTK_WINDOW (user_data));
}

/* The keyboard focus is in @user_data (an entry's focus is on its text child). */
static gboolean
has_focus (gpointer user_data)
{
  GtkWidget *widget = user_data;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)) &&
         gtk_window_is_active (GTK_WINDOW (root));
}

static gboolean
search_has_focus (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  GtkWidget *search = tb_ui_get (win (fixture), "search-entry");

  return focus != NULL && (focus == search || gtk_widget_is_ancestor (focus, search));
}

static gboolean
shortcuts_shown (gpointer user_data)
{
  return tb_ui_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW) != NULL;
}

static gboolean
payment_count_is_one (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *list = tb_ui_find (win (fixture), "payments-list");

  return list != NULL && tb_ui_count_rows (list) == 1;
}

static gboolean
cash_revealed (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *revealer = gtk_widget_get_ancestor (tb_ui_get (win (fixture), "amount-cash"),
                                                 GTK_TYPE_REVEALER);

  return gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

static gboolean
description_typed (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *entry = tb_ui_find (win (fixture), "line-description");

  return entry != NULL && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), "Consultation") == 0;
}

static void
test_keyboard (TbUiFixture   *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdotool_path = g_find_program_in_path ("xdotool");

  if (!tb_ui_test_have_display ())
    return;

  if (xdotool_path == NULL)
    {
      g_test_skip ("xdotool is not installed");
      return;
    }

  /* No window manager under Xvfb: the pointer decides which window gets the keys. */
  xdotool ("mousemove", "400", "300", NULL);
  g_assert_true (tb_ui_wait_until (window_active, fixture->window, 10000));

  /* Ctrl+N: a new bill, with the focus in the new line's description. */
  press_with_control ("n", bill_shown, fixture);
  bills = tb_ledger_list_bills (fixture->ledger, TB_BILL_FILTER_ALL, NULL, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bills->len, ==, 1);

  /* Type a line and add it with Enter. */
  xdotool ("type", "--delay", "20", "Consultation", NULL);
  g_assert_true (tb_ui_wait_until (description_typed, fixture, 10000));
  tb_ui_set_text (win (fixture), "line-price", "7500");
  g_assert_true (tb_ui_wait_until (has_focus, tb_ui_get (win (fixture), "line-price"), 10000));
  xdotool ("key", "Return", NULL);
  wait_rows (fixture, "lines-list", 1);
  g_assert_cmpstr (tb_ui_label_text (win (fixture), "total-due"), ==, "7" NBSP "500" NBSP "₮");

  /* Cash, then Ctrl+Enter from inside the amount entry records it. */
  check_method (fixture, "cash", TRUE);
  g_assert_true (tb_ui_wait_until (cash_revealed, fixture, 10000));
  press_with_control ("Return", payment_count_is_one, fixture);
  bill = tb_ui_read_bill (fixture->db_path, ((TbBill *) g_ptr_array_index (bills, 0))->id);
  g_assert_cmpuint (bill->payments->len, ==, 1);
  g_assert_cmpint (bill->paid, ==, 750000);

  /* Ctrl+F: the search entry. */
  press_with_control ("f", search_has_focus, fixture);

  /* Ctrl+?: the shortcuts window. */
  press_with_control ("question", shortcuts_shown, NULL);
}

/* A ledger that cannot be opened: the window says so and offers nothing that would write. */
static void
test_ledger_error (void)
{
  g_autoptr(GError) error = NULL;
  TbWindow *window;
  GtkWidget *dialog;

  if (!tb_ui_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  g_set_error_literal (&error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN, "Permission denied");
  window = tb_window_new (tb_ui_test_application (), NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  tb_window_show_ledger_error (window, error);

  g_assert_true (gtk_widget_get_mapped (tb_ui_get (GTK_WIDGET (window), "ledger-error-page")));
  g_assert_false (gtk_widget_get_sensitive (tb_ui_get (GTK_WIDGET (window), "new-bill-button")));
  dialog = tb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "Permission denied"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  tb_ui_drain ();
}

int
main (int   argc,
      char *argv[])
{
  tb_ui_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/tulbur/ui/" path, TbUiFixture, NULL, tb_ui_fixture_setup, func, tb_ui_fixture_teardown)

  ADD ("bill-flow", test_bill_flow);
  ADD ("double-press", test_double_press);
  ADD ("cash-change", test_cash_change);
  ADD ("split-limits", test_split_limits);
  ADD ("split-all-or-nothing", test_split_all_or_nothing);
  ADD ("paid-bill-locks-lines", test_paid_bill_locks_lines);
  ADD ("receipted-bill-locks-lines", test_receipted_bill_locks_lines);
  ADD ("overpaid-shown", test_overpaid_shown);
  ADD ("qpay-not-configured", test_qpay_not_configured);
  ADD ("search-and-filter", test_search_and_filter);
  ADD ("void", test_void);
  ADD ("customer", test_customer);
  ADD ("customer-rules", test_customer_rules);
  ADD ("line-rules", test_line_rules);
  ADD ("error-advice", test_error_advice);
  ADD ("preferences", test_preferences);
  ADD ("keyboard", test_keyboard);
  g_test_add_func ("/tulbur/ui/ledger-error", test_ledger_error);

#undef ADD

  return g_test_run ();
}
