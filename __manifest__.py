{
    "name": "Marketplace Connector",
    "version": "18.0.1.0.0",
    "summary": "Sell on Grupo Éxito, Marketful, iMotriz, X-Mart and XStak OMS from Odoo",
    "description": """
Marketplace orders as ordinary sale orders, with every exchange recorded as a job that
retries by itself and never loses an order.
""",
    "category": "Sales/Sales",
    "author": "marketplace_connector developers",
    "website": "https://github.com/marketplace-connector/marketplace_connector",
    "license": "LGPL-3",
    "depends": ["mail", "sale_management", "sale_stock", "stock_delivery"],
    "external_dependencies": {"python": ["pydantic"]},
    "data": [
        "security/marketplace_security.xml",
        "security/ir.model.access.csv",
        "security/marketplace_rules.xml",
        "data/ir_cron.xml",
        "data/product_data.xml",
        "views/marketplace_job_views.xml",
        "views/marketful_views.xml",
        "views/xmart_views.xml",
        "views/marketplace_account_views.xml",
        "views/marketplace_listing_views.xml",
        "views/product_views.xml",
        "views/sale_order_views.xml",
        "views/marketplace_settlement_views.xml",
        "views/stock_picking_views.xml",
        "views/res_config_settings_views.xml",
        "views/marketplace_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "marketplace_connector/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/marketplace_demo.xml",
    ],
    "application": True,
    "installable": True,
}
