import { registry } from "@web/core/registry";

/**
 * A marketplace user lands on the overview: the account's card counts a late delivery, and the
 * figure opens the delivery; "To Ship" opens the deliveries still to ship.
 */
registry.category("web_tour.tours").add("marketplace_connector_overview", {
    steps: () => [
        {
            content: "The account's card counts one late delivery",
            trigger: ".o_kanban_record:contains('Éxito overview tour') .o_overview_late:contains('1')",
        },
        {
            content: "Open the late deliveries",
            trigger: ".o_kanban_record:contains('Éxito overview tour') .o_overview_late",
            run: "click",
        },
        {
            content: "The late delivery is listed",
            trigger: ".o_list_view .o_data_row:contains('TOUR-LATE')",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "Open what is to ship",
            trigger: ".o_kanban_record:contains('Éxito overview tour') .o_overview_to_ship:contains('2')",
            run: "click",
        },
        {
            content: "Both deliveries to ship are listed",
            trigger: ".o_list_view .o_data_row:contains('TOUR-LATE') ~ .o_data_row:contains('TOUR-LATER'), .o_list_view .o_data_row:contains('TOUR-LATER') ~ .o_data_row:contains('TOUR-LATE')",
        },
    ],
});
