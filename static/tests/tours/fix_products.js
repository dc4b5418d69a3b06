import { registry } from "@web/core/registry";

/**
 * An order import waits for a product Odoo does not know: from the job's form, Fix Products lists
 * the SKU the order named, Create Products makes the product and the order imports at once.
 */
registry.category("web_tour.tours").add("marketplace_connector_fix_products", {
    steps: () => [
        {
            content: "The job says which SKU no product matches",
            trigger: ".o_form_view .alert-warning:contains('BAT-12V-4500')",
        },
        {
            content: "Open Fix Products",
            trigger: ".o_form_view .o_form_statusbar button[name='action_fix_products']",
            run: "click",
        },
        {
            content: "The wizard lists the product as the order named it",
            trigger: ".modal .o_data_row:contains('BAT-12V-4500'):contains('Batería 12V 45Ah Renault Logan')",
        },
        {
            content: "Create the product",
            trigger: ".modal footer button[name='action_create_products']",
            run: "click",
        },
        {
            content: "The order was imported: the job is done and links to its sale order",
            trigger: ".o_form_view .o_statusbar_status [aria-checked='true']:contains('Done')",
        },
        {
            trigger: ".o_form_view .oe_stat_button:contains('S0')",
        },
    ],
});
