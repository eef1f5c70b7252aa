from rest_framework import generics, serializers

from accounts import permissions
from courses import selectors
from courses.models import Cohort


class CohortSerializer(serializers.ModelSerializer):
    hire_count = serializers.IntegerField(read_only=True)
    active_count = serializers.IntegerField(read_only=True)
    coach_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "slug", "start_date", "time_zone", "hire_count", "active_count", "coach_count"]


class CohortListView(generics.ListAPIView):
    """Cohorts, with head counts. Admins only, as on the web."""

    serializer_class = CohortSerializer
    permission_classes = [permissions.api_permission(permissions.can_manage_cohorts)]

    def get_queryset(self):
        return selectors.cohort_list(user=self.request.user)
