"""Early warning (预警): sudden spikes (突发性), emerging problems (苗头性) and rising trends (趋势性) per
category × district, against a seasonal baseline. ``rules`` holds the statistics, ``services`` the scan."""
