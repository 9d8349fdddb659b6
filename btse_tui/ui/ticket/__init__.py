"""The order ticket: the form an order is typed into and the pure logic behind it.

`form.OrderForm` (the widget, with its `side_switch.SideSwitch`) collects what is typed;
`form_logic` turns it into a quantised `OrderRequest` or the reason it cannot be sent,
`form_text` words what the form shows, and `review` estimates costs and warns before sending
(also for the confirm and amend screens).
"""
