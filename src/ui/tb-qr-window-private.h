/* tb-qr-window-private.h: what the parts of the QR window share (not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "receipt/tb-qr.h"
#include "tb-qr-window.h"

G_BEGIN_DECLS

struct _TbQrWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkButton           *customer_button;
  GtkLabel            *demo_label;
  GtkStack            *qr_stack;
  GtkPicture          *qr_picture;
  GtkLabel            *ended_label;
  GtkLabel            *amount_label;
  GtkLabel            *bill_label;
  GtkImage            *status_icon;
  GtkLabel            *status_label;
  GtkLabel            *countdown_label;
  GtkBox              *actions_box;
  GtkButton           *simulate_button;
  GtkButton           *check_button;
  GtkButton           *cancel_button;
  AdwPreferencesGroup *share_group;
  GtkLabel            *qr_text_label;
  AdwActionRow        *short_url_row;
  AdwPreferencesGroup *links_group;
  GtkListBox          *links_list;
  GtkButton           *close_button;

  TbQpaySetup         *setup;
  TbPaymentService    *service;
  TbIntent            *intent;          /* NULL while the QR is being made */
  gint64               bill_id;
  TbPaymentWatcher    *watcher;
  TbQrMatrix          *matrix;
  GdkTexture          *texture;
  GtkWidget           *customer_display;
  GCancellable        *cancellable;
  char                *amount_text;

  guint                countdown_source;
  guint                close_source;
  guint                details_source;
  gulong               details_paint_id;
  gboolean             details_pending;
  gboolean             final;
  gboolean             manual_check;
  gboolean             cancelling;
};

/* tb-qr-window.c */
void tb_qr_window_toast (TbQrWindow *self,
                         const char *text);

/* tb-qr-window-share.c: the QR text, short link and bank links, to copy and send */
void tb_qr_window_copy_text_clicked_cb (TbQrWindow *self);
void tb_qr_window_copy_url_clicked_cb (TbQrWindow *self);
void tb_qr_window_schedule_details (TbQrWindow *self);

G_END_DECLS
