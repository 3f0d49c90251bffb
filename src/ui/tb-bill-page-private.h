/* tb-bill-page-private.h: what the parts of the bill page share (not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-bill-page.h"
#include "tb-payment-panel.h"
#include "tb-receipt-list.h"

G_BEGIN_DECLS

struct _TbBillPage
{
  AdwBin          parent_instance;

  /* Template widgets */
  GtkLabel       *status_label;
  GtkLabel       *created_label;
  AdwActionRow   *customer_row;
  GtkButton      *customer_button;
  GtkListBox     *lines_list;
  AdwPreferencesGroup *new_line_group;
  GtkWidget      *line_editor;
  GtkWidget      *lines_locked_box;
  GtkLabel       *lines_locked_label;
  GtkButton      *new_bill_button;
  GtkEntry       *description_row;
  GtkEntry       *quantity_row;
  GtkEntry       *price_row;
  GtkEntry       *code_row;
  GtkSwitch      *vat_switch;
  GtkSwitch      *city_tax_switch;
  GtkLabel       *line_message;
  GtkButton      *add_line_button;
  GtkLabel       *subtotal_label;
  GtkLabel       *vat_label;
  GtkLabel       *city_tax_label;
  GtkLabel       *total_label;
  GtkLabel       *paid_label;
  GtkLabel       *due_label;
  GtkLabel       *overpaid_label;
  TbPaymentPanel *payment_panel;
  AdwPreferencesGroup *qr_group;
  GtkListBox     *qr_list;
  AdwPreferencesGroup *payments_group;
  GtkListBox     *payments_list;
  AdwBin         *receipts_bin;
  TbReceiptList  *receipt_list;
  GtkButton      *void_button;

  TbQpaySetup    *qpay;
  GtkWidget      *pending_window;   /* made by Generate QR, waiting for its QR */
  guint           present_source;
  guint           qr_refresh_source;
  gboolean        opening_qr;

  TbLedger       *ledger;
  TbBill         *bill;
  GCancellable   *cancellable;
  guint           writes_in_flight;
  gboolean        adding_line;
  gboolean        lines_locked;     /* paid in full or an e-receipt issued (#11) */
};

/* One small ledger write about the bill (remove a line, set the customer, void). */
typedef struct
{
  gint64  bill_id;
  gint64  line_id;
  gint64  customer_id;
  char   *reason;
} BillOp;

void      tb_bill_op_free (BillOp *op);

/* tb-bill-page.c: the page, its helpers and ledger writes */
gboolean   tb_bill_page_bill_is_editable        (TbBillPage       *self);
void       tb_bill_page_clear_list              (GtkListBox       *list);
char      *tb_bill_page_format_money            (TbBillPage       *self,
                                                 gint64            minor);
void       tb_bill_page_write_started           (TbBillPage       *self);
/* Every write ends here: read the bill again and tell the window (list, header). Returns
 * FALSE when the page is going away and the caller must stop. */
gboolean   tb_bill_page_write_finished          (TbBillPage       *self,
                                                 gint64            bill_id,
                                                 const GError     *error);
/* The callback of a BillOp write: write_finished(), then a dialog headed @failed_heading on
 * failure, or the toast @done_toast (may be NULL) on success. */
void       tb_bill_page_finish_bill_op          (TbBillPage       *self,
                                                 GAsyncResult     *result,
                                                 const char       *failed_heading,
                                                 const char       *done_toast);

/* tb-bill-page-lines.c: the lines and the new-line editor */
typedef struct _AddLineOp AddLineOp;

void       tb_bill_page_line_changed_cb         (TbBillPage       *self);
void       tb_bill_page_add_line_clicked_cb     (TbBillPage       *self);
GtkWidget *tb_bill_page_make_line_row           (TbBillPage       *self,
                                                 const TbBillLine *line,
                                                 gboolean          removable);
void       tb_bill_page_reset_line_editor       (TbBillPage       *self);
/* Locks the line editor (and the lines) once the bill is paid in full or has an issued
 * e-receipt, saying why and offering a new bill for the same customer. */
void       tb_bill_page_update_lines_lock       (TbBillPage       *self);
/* Validates the new line's fields. With @out_op it also fills an op for the ledger. Shows
 * the line amount and taxes, or what is wrong, under the fields. */
gboolean   tb_bill_page_validate_line           (TbBillPage       *self,
                                                 AddLineOp        *out_op);

/* tb-bill-page-qpay.c: the bill's open QPay QRs */
void       tb_bill_page_fill_pending            (TbBillPage       *self);
void       tb_bill_page_update_receipt_context  (TbBillPage       *self);
void       tb_bill_page_qr_requested_cb         (TbBillPage       *self,
                                                 gint64            amount,
                                                 TbPaymentPanel   *panel);
void       tb_bill_page_qr_ready_cb             (TbBillPage       *self,
                                                 gpointer          intent_pointer,
                                                 TbPaymentPanel   *panel);

G_END_DECLS
