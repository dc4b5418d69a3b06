import { registry } from "@web/core/registry";

/**
 * A new account's first Test Connection: the button saves the account, the failure says why and
 * the form stays on the saved account (it used to jump to a blank new record, whose next click
 * failed with "Invalid fields"). A second press works on the same account.
 */
registry.category("web_tour.tours").add("marketplace_connector_first_setup", {
    steps: () => [
        {
            content: "The new account's form lists the first steps",
            trigger: ".o_form_view .alert-info:contains('First setup')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Éxito first setup",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=marketplace] select",
            run: "selectByLabel Grupo Éxito",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=api_token] input",
            run: "edit first-setup-token",
        },
        {
            content: "Nothing listens there: the connection fails",
            trigger: ".o_form_view .o_field_widget[name=api_url] input",
            run: "edit http://127.0.0.1:9/exito",
        },
        {
            content: "Test Connection saves the account first",
            trigger: ".o_form_view .o_form_statusbar button[name=action_test_connection]",
            run: "click",
        },
        {
            content: "The failure says why",
            trigger: ".o_notification:contains('Connection failed') .o_notification_close",
            run: "click",
        },
        {
            content: "The form shows the saved account, in Error, with the reason",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Error')",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Éxito first setup')",
        },
        {
            trigger: ".o_form_view .alert-danger:contains('Connection failed')",
        },
        {
            content: "A second press works on the same account",
            trigger: ".o_form_view .o_form_statusbar button[name=action_test_connection]",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Connection failed') .o_notification_close",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Éxito first setup')",
        },
    ],
});
