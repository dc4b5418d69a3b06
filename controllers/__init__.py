# Marketplace callbacks (Éxito notifyproduct/notifyoffer, Marketful and X-Mart webhooks)
# live here; the order import of this version polls and needs no route.
