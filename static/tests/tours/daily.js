import { registry } from "@web/core/registry";

/**
 * A marketplace user imports the new orders from the account and opens the one that arrived.
 */
registry.category("web_tour.tours").add("marketplace_connector_import_and_open_order", {
    steps: () => [
        {
            content: "Import the new orders",
            trigger: ".o_form_view .o_form_statusbar button[name='action_import_orders']:visible",
            run: "click",
        },
        {
            content: "The import says what arrived",
            trigger: ".o_notification:contains('1 new orders imported')",
        },
        {
            content: "Open the account's orders",
            trigger: ".o_form_view button[name='action_view_orders']",
            run: "click",
        },
        {
            content: "Open the imported order (its buyer's)",
            trigger: ".o_list_view .o_data_row:contains('Ana María Gómez Restrepo') .o_data_cell",
            run: "click",
        },
        {
            content: "Its Marketplace tab holds the marketplace's order number",
            trigger: ".o_form_view .o_notebook a:contains('Marketplace')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='marketplace_order_number']:contains('4711')",
        },
    ],
});

/**
 * A warehouse user validates a marketplace delivery: without a tracking reference the module says
 * what to enter; with it, the delivery is done and its tracking waits to go to the marketplace.
 */
registry.category("web_tour.tours").add("marketplace_connector_validate_with_tracking", {
    steps: () => [
        {
            content: "Validate without a tracking reference",
            trigger: ".o_form_view .o_form_statusbar button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "The module asks for the tracking reference",
            trigger: ".modal:contains('needs the tracking reference')",
        },
        {
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "Enter it in Additional Info",
            trigger: ".o_form_view .o_notebook a[name='extra']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='carrier_tracking_ref'] input",
            run: "edit GUIA-TOUR-1",
        },
        {
            content: "Validate again",
            trigger: ".o_form_view .o_form_statusbar button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "The delivery is done",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Its tracking waits to go to the marketplace",
            trigger: ".o_form_view .o_field_widget[name='marketplace_tracking_state']:contains('To Send')",
        },
    ],
});
