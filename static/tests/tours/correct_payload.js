import { registry } from "@web/core/registry";

/**
 * A manager corrects the payload of an import job that failed, from the job's form: the
 * correction goes through the Correct Payload wizard and the job's chatter keeps it.
 */
registry.category("web_tour.tours").add("marketplace_connector_correct_payload", {
    steps: () => [
        {
            content: "The failed job says why it failed",
            trigger: ".o_form_view .alert-warning:contains('Unknown product')",
        },
        {
            content: "Open the correction",
            trigger: ".o_form_view .o_form_statusbar button:contains('Correct Payload')",
            run: "click",
        },
        {
            content: "The editor shows the payload as the marketplace sent it",
            trigger: ".modal .o_field_code .ace_line:contains('SKU-TO-FIX')",
        },
        {
            content: "Correct the product's reference",
            trigger: ".modal .o_field_code .ace_editor",
            run() {
                const editor = window.ace.edit(document.querySelector(".modal .o_field_code .ace_editor"));
                const session = editor.getSession();
                session.setValue(session.getValue().replace("SKU-TO-FIX", "SKU-FIXED"));
            },
        },
        {
            trigger: ".modal .o_field_code .ace_line:contains('SKU-FIXED')",
        },
        {
            content: "Apply the correction",
            trigger: ".modal footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "The job's chatter keeps who corrected what",
            trigger: ".o-mail-Message:contains('Payload corrected by'):contains('SKU-TO-FIX'):contains('SKU-FIXED')",
        },
    ],
});
